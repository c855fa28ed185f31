/*
 * rollout_eval.c
 *		SQL-callable glue of rollout evaluation: measuring a rollout's source
 *		with its owner's rights, bounded in time and unable to write.
 *
 * Thresholds, decisions and state live in SQL (sql/install/6*_rollout*.sql);
 * this file only switches identity around one query.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"

#include "rollout.h"

/* Measurement time limit of 1.0 databases, which pass none. */
#define CA_DEFAULT_MEASURE_TIMEOUT_MS	30000

bool		ca_rollout_in_worker = false;
bool		ca_rollout_measuring = false;

static TimeoutId measure_timeout_id = MAX_TIMEOUTS;
static volatile sig_atomic_t measure_timed_out = false;

PG_FUNCTION_INFO_V1(rollout_measure_as);
PG_FUNCTION_INFO_V1(rollout_measure_as_role);
PG_FUNCTION_INFO_V1(rollout_read_as_role);
PG_FUNCTION_INFO_V1(rollout_actor);

static Datum read_as_role(FunctionCallInfo fcinfo, const char *inner);

/* Runs in the signal handler: cancel the query, as statement_timeout does. */
static void
measure_timeout_handler(void)
{
	measure_timed_out = true;
	InterruptPending = true;
	QueryCancelPending = true;
	SetLatch(MyLatch);
}

/*
 * Runs inner(the arguments from first on) of fn's schema as roleid.  The owner's code (view bodies, functions they call, row security
 * policies) runs there, so: a security-restricted operation (no SET ROLE,
 * no temporary objects), a read-only transaction state (no writes, no DDL),
 * the measuring flag (no rollout function), a fixed search_path, and a
 * time limit that also bounds lock waits.  Each is undone on the way out,
 * also on error.
 */
static Datum
measure_as(FunctionCallInfo fcinfo, const char *inner, Oid roleid, int first,
		   int nargs, int timeout_ms)
{
	Oid			fn_schema = get_func_namespace(fcinfo->flinfo->fn_oid);
	Oid		   *argtypes = palloc(sizeof(Oid) * Max(nargs, 1));
	Datum	   *values = palloc(sizeof(Datum) * Max(nargs, 1));
	char	   *nulls = palloc(Max(nargs, 1));
	StringInfoData sql;
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
	bool		save_read_only = XactReadOnly;
	MemoryContext caller_cxt = CurrentMemoryContext;
	volatile bool isnull = true;
	volatile Datum result = (Datum) 0;
	int			i;

	if (ca_rollout_measuring)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("a rollout source cannot be measured while another is being measured")));

	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT %s.%s(",
					 quote_identifier(get_namespace_name(fn_schema)),
					 quote_identifier(inner));
	for (i = 0; i < nargs; i++)
	{
		/* the declared types: the call binds to exactly one function */
		argtypes[i] = get_fn_expr_argtype(fcinfo->flinfo, first + i);
		values[i] = fcinfo->args[first + i].value;
		nulls[i] = fcinfo->args[first + i].isnull ? 'n' : ' ';
		appendStringInfo(&sql, "%s$%d::%s", i > 0 ? ", " : "", i + 1,
						 format_type_be_qualified(argtypes[i]));
	}
	appendStringInfoChar(&sql, ')');

	if (measure_timeout_id == MAX_TIMEOUTS)
		measure_timeout_id = RegisterTimeout(USER_TIMEOUT, measure_timeout_handler);

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	save_nestlevel = NewGUCNestLevel();
	PG_TRY();
	{
		SetUserIdAndSecContext(roleid, save_sec_context |
							   SECURITY_LOCAL_USERID_CHANGE |
							   SECURITY_RESTRICTED_OPERATION);
		(void) set_config_option("search_path", "pg_catalog, pg_temp",
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		(void) set_config_option("lock_timeout", psprintf("%d", timeout_ms),
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		ca_rollout_measuring = true;
		XactReadOnly = true;
		measure_timed_out = false;
		enable_timeout_after(measure_timeout_id, timeout_ms);

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute_with_args(sql.data, nargs, argtypes, values, nulls,
								  true, 1) != SPI_OK_SELECT ||
			SPI_processed != 1)
			elog(ERROR, "%s returned no row", inner);
		result = SPI_getbinval(SPI_tuptable->vals[0],
							   SPI_tuptable->tupdesc, 1,
							   (bool *) &isnull);
		if (!isnull)
			result = SPI_datumTransfer(result, false, -1);
		SPI_finish();

		disable_timeout(measure_timeout_id, false);
		/* a timer that fired just as the query ended cancels nothing */
		if (measure_timed_out)
			QueryCancelPending = false;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		disable_timeout(measure_timeout_id, false);
		ca_rollout_measuring = false;
		XactReadOnly = save_read_only;
		SetUserIdAndSecContext(save_userid, save_sec_context);
		if (!measure_timed_out)
			PG_RE_THROW();

		/* say which limit stopped the measurement, not "user request" */
		MemoryContextSwitchTo(caller_cxt);
		edata = CopyErrorData();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("measuring the rollout source took longer than its measure_timeout of %d ms",
						timeout_ms),
				 errdetail("The measurement was canceled: %s", edata->message),
				 errhint("Make the source cheaper to read, or raise \"measure_timeout\" in the plan.")));
	}
	PG_END_TRY();

	ca_rollout_measuring = false;
	XactReadOnly = save_read_only;
	AtEOXact_GUC(false, save_nestlevel);
	SetUserIdAndSecContext(save_userid, save_sec_context);

	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * rollout_measure_as(owner regrole, source, window_start, window_end,
 * quantiles, with_cohorts, measure_timeout interval): not executable by
 * PUBLIC.  An owner role that no longer exists measures nothing.
 */
Datum
rollout_measure_as_role(PG_FUNCTION_ARGS)
{
	return read_as_role(fcinfo, "rollout_measure");
}

/*
 * NAME_as(owner regrole, arguments..., measure_timeout interval): runs NAME
 * (the SQL function's own name without "_as", in its schema) with the
 * arguments as the owner, under the protections of a measurement.  The
 * reads behind incremental summaries (rollout_summarize_as, ...) go
 * through here; what they return is written by the caller, afterwards.
 */
Datum
rollout_read_as_role(PG_FUNCTION_ARGS)
{
	char	   *name = get_func_name(fcinfo->flinfo->fn_oid);
	size_t		len = name ? strlen(name) : 0;

	if (len <= 3 || strcmp(name + len - 3, "_as") != 0)
		elog(ERROR, "rollout_read_as_role bound to unexpected function \"%s\"",
			 name ? name : "?");
	name[len - 3] = '\0';
	return read_as_role(fcinfo, name);
}

static Datum
read_as_role(FunctionCallInfo fcinfo, const char *inner)
{
	Oid			roleid;
	Interval   *timeout;
	double		ms;

	/* the functions that take NULL arguments are not strict: not these */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(PG_NARGS() - 1))
		PG_RETURN_NULL();
	roleid = PG_GETARG_OID(0);
	timeout = PG_GETARG_INTERVAL_P(PG_NARGS() - 1);

	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(roleid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("owner role with OID %u of the rollout no longer exists",
						roleid)));
	ms = (timeout->month * (double) DAYS_PER_MONTH * SECS_PER_DAY +
		  timeout->day * (double) SECS_PER_DAY) * 1000.0 +
		timeout->time / 1000.0;
	if (!(ms >= 1 && ms <= INT_MAX))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("measure_timeout must be between 1 ms and %d ms", INT_MAX)));
	return measure_as(fcinfo, inner, roleid, 1, PG_NARGS() - 2, (int) ms);
}

/*
 * The 1.0 entry point: rollout_measure_as(owner name, source, ...), served
 * to databases not yet updated, with the same protections and the default
 * time limit.
 */
Datum
rollout_measure_as(PG_FUNCTION_ARGS)
{
	Name		owner = PG_GETARG_NAME(0);
	Oid			roleid = get_role_oid(NameStr(*owner), true);

	if (!OidIsValid(roleid))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("owner role \"%s\" of the rollout does not exist",
						NameStr(*owner))));
	return measure_as(fcinfo, "rollout_measure", roleid, 1, PG_NARGS() - 1,
					  CA_DEFAULT_MEASURE_TIMEOUT_MS);
}

/* 1.0: 'worker' inside the background worker, else the session user. */
Datum
rollout_actor(PG_FUNCTION_ARGS)
{
	if (ca_rollout_in_worker)
		PG_RETURN_TEXT_P(cstring_to_text("worker"));
	PG_RETURN_TEXT_P(cstring_to_text(GetUserNameFromId(GetSessionUserId(),
													   false)));
}
