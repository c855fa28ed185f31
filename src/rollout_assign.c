/*
 * rollout_assign.c
 *		rollout_bucket(salt text, unit_id text): the stable assignment bucket
 *		of a unit (src/core/bucket.c), from UTF-8 bytes whatever the
 *		database encoding, so that a router computes the same value.
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "bucket.h"

PG_FUNCTION_INFO_V1(rollout_bucket);

/* The UTF-8 bytes of a text argument (the text itself in a UTF-8 database). */
static const char *
utf8_bytes(text *t, int *len)
{
	const char *s = VARDATA_ANY(t);
	int			n = VARSIZE_ANY_EXHDR(t);
	char	   *conv;

	if (GetDatabaseEncoding() == PG_UTF8 || n == 0)
	{
		*len = n;
		return s;
	}
	conv = pg_server_to_any(s, n, PG_UTF8);
	*len = conv == s ? n : (int) strlen(conv);
	return conv;
}

Datum
rollout_bucket(PG_FUNCTION_ARGS)
{
	text	   *salt = PG_GETARG_TEXT_PP(0);
	text	   *unit = PG_GETARG_TEXT_PP(1);
	int			salt_len;
	int			unit_len;
	const char *salt_bytes = utf8_bytes(salt, &salt_len);
	const char *unit_bytes = utf8_bytes(unit, &unit_len);

	PG_RETURN_FLOAT8(ca_bucket(salt_bytes, (size_t) salt_len,
							   unit_bytes, (size_t) unit_len));
}
