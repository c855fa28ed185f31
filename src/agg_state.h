/*
 * agg_state.h
 *		Transition states of variable size kept as expanded objects, so
 *		that an aggregate's state type can be its result type (which Citus
 *		needs to compute it on its workers) while rows update the state in
 *		place.
 *
 * A CaState holds a payload (the running state of src/core, allocated in
 * the object's own memory context, a child of the aggregate context) and
 * the kind's function that writes it as a value of the state type.  The
 * server flattens the object whenever the value leaves the aggregate: in a
 * table, as text or binary, to a parallel leader or a Citus coordinator.
 */
#ifndef CA_AGG_STATE_H
#define CA_AGG_STATE_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/expandeddatum.h"

typedef struct CaStateKind
{
	const char *name;
	/* the payload as a value of the state type, palloc'd */
	struct varlena *(*flatten) (void *payload);
} CaStateKind;

typedef struct CaState
{
	ExpandedObjectHeader hdr;
	const CaStateKind *kind;
	void	   *payload;
	struct varlena *flat;		/* made by get_flat_size for flatten_into */
} CaState;

/*
 * A new state of the kind in a child of the aggregate context (of the
 * current context outside aggregates); the caller allocates its payload
 * in ca_state_context(st).
 */
extern CaState *ca_state_new(FunctionCallInfo fcinfo, const CaStateKind *kind);

#define ca_state_context(st)	((st)->hdr.eoh_context)

/* The payload of d when it points to a state of the kind, else NULL. */
extern void *ca_state_payload(Datum d, const CaStateKind *kind);

/*
 * The state of argument 0 when it may be updated in place: a read-write
 * state of the kind that the executor passed as the transition value of an
 * aggregate.  NULL otherwise (the caller then builds a new state).
 */
static pg_attribute_always_inline CaState *
ca_state_owned(FunctionCallInfo fcinfo, const CaStateKind *kind)
{
	Datum		d = PG_GETARG_DATUM(0);

	if (!PG_ARGISNULL(0) &&
		VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)) &&
		((CaState *) DatumGetEOHP(d))->kind == kind &&
		AggCheckCallContext(fcinfo, NULL) != 0)
		return (CaState *) DatumGetEOHP(d);
	return NULL;
}

#define CA_RETURN_STATE(st)		PG_RETURN_DATUM(EOHPGetRWDatum(&(st)->hdr))

#endif							/* CA_AGG_STATE_H */
