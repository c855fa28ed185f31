/*
 * rollout_eval.c
 *		SQL-callable glue of rollout evaluation: measuring a rollout's source
 *		with its owner's privileges, and naming who decided.
 *
 * Thresholds, decisions and state live in SQL (sql/install/60_rollout.sql);
 * this file only switches identity around one query.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#include "rollout.h"

bool		ca_rollout_in_worker = false;

PG_FUNCTION_INFO_V1(rollout_measure_as);
PG_FUNCTION_INFO_V1(rollout_actor);

/*
 * rollout_measure_as(owner name, args...) runs rollout_measure(args...) of
 * the same schema as the owner role, so that a rollout never reads more than
 * its owner could read directly.  The security-restricted context keeps the
 * owner's code from changing the session; not executable by PUBLIC.
 */
Datum
rollout_measure_as(PG_FUNCTION_ARGS)
{
	Name		owner = PG_GETARG_NAME(0);
	Oid			roleid = get_role_oid(NameStr(*owner), true);
	Oid			fn_schema = get_func_namespace(fcinfo->flinfo->fn_oid);
	int			nargs = PG_NARGS() - 1;
	Oid		   *argtypes = palloc(sizeof(Oid) * Max(nargs, 1));
	Datum	   *values = palloc(sizeof(Datum) * Max(nargs, 1));
	StringInfoData sql;
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
	int			ret;
	bool		isnull;
	Datum		result;
	int			i;

	if (!OidIsValid(roleid))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("owner role \"%s\" of the rollout does not exist",
						NameStr(*owner))));

	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT %s.rollout_measure(",
					 quote_identifier(get_namespace_name(fn_schema)));
	for (i = 0; i < nargs; i++)
	{
		argtypes[i] = get_fn_expr_argtype(fcinfo->flinfo, i + 1);
		values[i] = PG_GETARG_DATUM(i + 1);
		appendStringInfo(&sql, "%s$%d", i > 0 ? ", " : "", i + 1);
	}
	appendStringInfoChar(&sql, ')');

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(roleid, save_sec_context |
						   SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute_with_args(sql.data, nargs, argtypes, values, NULL,
								true, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "rollout_measure returned no row");
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
						   &isnull);
	if (!isnull)
		result = SPI_datumTransfer(result, false, -1);
	SPI_finish();

	AtEOXact_GUC(false, save_nestlevel);
	SetUserIdAndSecContext(save_userid, save_sec_context);

	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/* 'worker' inside the background worker, else the session user. */
Datum
rollout_actor(PG_FUNCTION_ARGS)
{
	if (ca_rollout_in_worker)
		PG_RETURN_TEXT_P(cstring_to_text("worker"));
	PG_RETURN_TEXT_P(cstring_to_text(GetUserNameFromId(GetSessionUserId(),
													   false)));
}
