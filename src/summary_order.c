/*
 * summary_order.c
 *		Comparison and hashing of the summary types (cohort,
 *		quantile_sketch, activity, retention, survival) for their btree and
 *		hash operator classes.
 *
 * Every summary type stores a canonical binary form: two values are equal
 * exactly when their stored bytes are (which is what each type's = has
 * always tested).  The order is that of the bytes: memcmp over the common
 * length, then the shorter value first.  It is arbitrary but stable, which
 * is all SELECT DISTINCT, UNION, GROUP BY, ORDER BY and indexes need; it has
 * no meaning as "less" or "more" of anything.  Equality, order and hash all
 * look at the same bytes, so they agree with each other.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"

/* -1, 0 or 1 as the first argument's stored bytes sort before, equal or after the second's. */
static inline int
summary_compare(FunctionCallInfo fcinfo)
{
	struct varlena *a = PG_GETARG_VARLENA_PP(0);
	struct varlena *b = PG_GETARG_VARLENA_PP(1);
	Size		la = VARSIZE_ANY_EXHDR(a);
	Size		lb = VARSIZE_ANY_EXHDR(b);
	int			c = memcmp(VARDATA_ANY(a), VARDATA_ANY(b), Min(la, lb));

	if (c == 0 && la != lb)
		c = la < lb ? -1 : 1;
	else if (c != 0)
		c = c < 0 ? -1 : 1;
	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return c;
}

PG_FUNCTION_INFO_V1(ca_summary_cmp);
Datum
ca_summary_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(summary_compare(fcinfo));
}

PG_FUNCTION_INFO_V1(ca_summary_eq);
Datum
ca_summary_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(summary_compare(fcinfo) == 0);
}

PG_FUNCTION_INFO_V1(ca_summary_lt);
Datum
ca_summary_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(summary_compare(fcinfo) < 0);
}

PG_FUNCTION_INFO_V1(ca_summary_le);
Datum
ca_summary_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(summary_compare(fcinfo) <= 0);
}

PG_FUNCTION_INFO_V1(ca_summary_gt);
Datum
ca_summary_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(summary_compare(fcinfo) > 0);
}

PG_FUNCTION_INFO_V1(ca_summary_ge);
Datum
ca_summary_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(summary_compare(fcinfo) >= 0);
}

PG_FUNCTION_INFO_V1(ca_summary_hash);
Datum
ca_summary_hash(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_VARLENA_PP(0);
	Datum		h = hash_any((const unsigned char *) VARDATA_ANY(a),
							 (int) VARSIZE_ANY_EXHDR(a));

	PG_FREE_IF_COPY(a, 0);
	return h;
}

PG_FUNCTION_INFO_V1(ca_summary_hash_extended);
Datum
ca_summary_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_VARLENA_PP(0);
	Datum		h = hash_any_extended((const unsigned char *) VARDATA_ANY(a),
									  (int) VARSIZE_ANY_EXHDR(a),
									  (uint64) PG_GETARG_INT64(1));

	PG_FREE_IF_COPY(a, 0);
	return h;
}
