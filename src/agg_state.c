/*
 * agg_state.c
 *		Expanded-object transition states (see agg_state.h).
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "agg_state.h"

static Size state_get_flat_size(ExpandedObjectHeader *eohptr);
static void state_flatten_into(ExpandedObjectHeader *eohptr,
							   void *result, Size allocated_size);

static const ExpandedObjectMethods state_methods = {
	state_get_flat_size,
	state_flatten_into
};

/* The server calls get_flat_size right before flatten_into. */
static Size
state_get_flat_size(ExpandedObjectHeader *eohptr)
{
	CaState    *st = (CaState *) eohptr;
	MemoryContext old = MemoryContextSwitchTo(ca_state_context(st));

	if (st->flat != NULL)
		pfree(st->flat);
	st->flat = st->kind->flatten(st->payload);
	MemoryContextSwitchTo(old);
	return VARSIZE(st->flat);
}

static void
state_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	CaState    *st = (CaState *) eohptr;

	Assert(st->flat != NULL && VARSIZE(st->flat) == allocated_size);
	memcpy(result, st->flat, allocated_size);
}

CaState *
ca_state_new(FunctionCallInfo fcinfo, const CaStateKind *kind)
{
	MemoryContext parent;
	MemoryContext ctx;
	CaState    *st;

	/* a child of the aggregate context: the executor adopts it as it is */
	if (!AggCheckCallContext(fcinfo, &parent))
		parent = CurrentMemoryContext;
	ctx = AllocSetContextCreate(parent, "cohort_analyzer aggregate state",
								ALLOCSET_SMALL_SIZES);
	st = MemoryContextAllocZero(ctx, sizeof(CaState));
	EOH_init_header(&st->hdr, &state_methods, ctx);
	st->kind = kind;
	return st;
}

void *
ca_state_payload(Datum d, const CaStateKind *kind)
{
	CaState    *st;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	st = (CaState *) DatumGetEOHP(d);
	if (st->hdr.eoh_methods != &state_methods || st->kind != kind)
		return NULL;
	return st->payload;
}
