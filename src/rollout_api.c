/*
 * rollout_api.c
 *		The entry point of every SQL function that changes rollouts, and the
 *		ownership checks.
 *
 * rollout_create, rollout_start, rollout_tick, rollout_hold, ... are all
 * declared with this one C function.  It runs with the caller's rights, so
 * GetUserId() is the role actually acting (SET ROLE and SECURITY DEFINER
 * functions included; session_user never counts).  It then calls the
 * function's implementation NAME_as(actor regrole, args...), which runs as
 * the extension's owner and is not executable by PUBLIC.  Nothing reaches
 * an implementation without passing here, and nothing passes here while a
 * rollout's source is being measured.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "rollout.h"
#include "rollout_registry.h"

/* Set while rollout_purge_decisions deletes: the decision log allows it. */
static bool ca_rollout_purging = false;

typedef struct RolloutApiCall
{
	FmgrInfo	impl;
	bool		purges;
	bool		runs;			/* may make a rollout run: wants a worker */
	char		name[NAMEDATALEN];
} RolloutApiCall;

PG_FUNCTION_INFO_V1(rollout_api);
PG_FUNCTION_INFO_V1(rollout_purging);
PG_FUNCTION_INFO_V1(rollout_may_change);
PG_FUNCTION_INFO_V1(rollout_role_may_change);

/* Finds NAME_as(regrole, the arguments of fn) in fn's schema. */
static RolloutApiCall *
lookup_implementation(Oid fn, MemoryContext cxt)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	Form_pg_proc proc;
	Oid			argtypes[FUNC_MAX_ARGS];
	char	   *schema;
	char	   *impl_name;
	Oid			impl;
	RolloutApiCall *call;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", fn);
	proc = (Form_pg_proc) GETSTRUCT(tup);
	if (proc->pronargs + 1 > FUNC_MAX_ARGS)
		elog(ERROR, "too many arguments for a rollout function");
	argtypes[0] = REGROLEOID;
	memcpy(argtypes + 1, proc->proargtypes.values, proc->pronargs * sizeof(Oid));

	schema = get_namespace_name(proc->pronamespace);
	impl_name = psprintf("%s_as", NameStr(proc->proname));
	/* an exact signature in our own schema: no overload can be chosen */
	impl = LookupFuncName(list_make2(makeString(schema), makeString(impl_name)),
						  proc->pronargs + 1, argtypes, false);

	call = MemoryContextAllocZero(cxt, sizeof(RolloutApiCall));
	fmgr_info_cxt(impl, &call->impl, cxt);
	strlcpy(call->name, NameStr(proc->proname), NAMEDATALEN);
	call->purges = strcmp(call->name, "rollout_purge_decisions") == 0;
	/* pending -> running, held -> running */
	call->runs = strcmp(call->name, "rollout_start") == 0 ||
		strcmp(call->name, "rollout_resume") == 0 ||
		strcmp(call->name, "rollout_advance") == 0;
	ReleaseSysCache(tup);
	return call;
}

/* The implementation of the calling function, looked up once per call site. */
static RolloutApiCall *
api_call(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra =
			lookup_implementation(fcinfo->flinfo->fn_oid,
								  fcinfo->flinfo->fn_mcxt);
	return fcinfo->flinfo->fn_extra;
}

/*
 * An error the implementation raised for the user (a bad argument, a
 * missing privilege, a wrong state) reaches them as one message: the chain
 * of PL/pgSQL lines it passed through says nothing they can act on.
 * Internal errors keep their context.
 */
static void
rethrow_without_context(MemoryContext cxt)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(cxt);
	edata = CopyErrorData();
	if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) == ERRCODE_INTERNAL_ERROR ||
		edata->elevel > ERROR)
		PG_RE_THROW();
	FlushErrorState();
	if (edata->context)
		pfree(edata->context);
	edata->context = NULL;
	ReThrowError(edata);
}

Datum
rollout_api(PG_FUNCTION_ARGS)
{
	RolloutApiCall *const call = api_call(fcinfo);
	MemoryContext caller_cxt = CurrentMemoryContext;
	FunctionCallInfo impl_fcinfo;
	Datum		result;
	int			i;

	if (ca_rollout_measuring)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s cannot be called while a rollout source is being measured",
						call->name),
				 errdetail("The code of a rollout's source runs with its owner's rights and may only read data.")));

	impl_fcinfo = palloc0(SizeForFunctionCallInfo(fcinfo->nargs + 1));
	InitFunctionCallInfoData(*impl_fcinfo, &call->impl, fcinfo->nargs + 1,
							 fcinfo->fncollation, NULL, NULL);
	impl_fcinfo->args[0].value = ObjectIdGetDatum(GetUserId());
	impl_fcinfo->args[0].isnull = false;
	for (i = 0; i < fcinfo->nargs; i++)
		impl_fcinfo->args[i + 1] = fcinfo->args[i];

	PG_TRY();
	{
		ca_rollout_purging = call->purges;
		result = FunctionCallInvoke(impl_fcinfo);
	}
	PG_CATCH();
	{
		ca_rollout_purging = false;
		rethrow_without_context(caller_cxt);
	}
	PG_END_TRY();
	ca_rollout_purging = false;

	/* the database gets a worker once this commits (no-op unless preloaded) */
	if (call->runs)
		ca_registry_signal_at_commit();

	fcinfo->isnull = impl_fcinfo->isnull;
	return result;
}

/* True while rollout_purge_decisions runs (checked by the log's trigger). */
Datum
rollout_purging(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ca_rollout_purging);
}

/*
 * An owner that no longer exists is changed by superusers only: a new role
 * that takes its name is a different role.
 */
static bool
role_may_change(Oid actor, Oid owner)
{
	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(owner)))
		return superuser_arg(actor);
	return is_member_of_role(actor, owner);
}

/* rollout_may_change(owner regrole): may current_user change its rollouts? */
Datum
rollout_may_change(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(role_may_change(GetUserId(), PG_GETARG_OID(0)));
}

/* rollout_role_may_change(actor regrole, owner regrole) */
Datum
rollout_role_may_change(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(role_may_change(PG_GETARG_OID(0), PG_GETARG_OID(1)));
}
