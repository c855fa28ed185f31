/*
 * cohort_type.h
 *		The on-disk cohort value and how glue code reads and builds it.
 */
#ifndef CA_COHORT_TYPE_H
#define CA_COHORT_TYPE_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "cohort_accum.h"

/*
 * Stored format versions.  Version 1 is a summary; version 2 is the running
 * state of the cohort aggregates (a summary whose moments are about two
 * shifts, cohort_accum.h), which Citus ships between nodes.  Readers accept
 * both and reject every other version; accessors see a version 2 value as
 * the summary it stands for.
 */
#define COHORT_FORMAT_VERSION 1
#define COHORT_STATE_FORMAT_VERSION 2

typedef struct Cohort
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;
	uint8		flags;			/* reserved, always zero in version 1 */
	uint16		reserved;		/* always zero in version 1 */
	CohortStats stats;
} Cohort;

#define COHORT_SIZE sizeof(Cohort)

/* Version 2: the same header, then the state (summary first, then shifts). */
typedef struct CohortState
{
	int32		vl_len_;
	uint8		version;
	uint8		flags;			/* reserved, always zero in version 2 */
	uint16		reserved;		/* always zero in version 2 */
	CohortAccum accum;
} CohortState;

#define COHORT_STATE_SIZE sizeof(CohortState)

/*
 * Detoasts and checks a stored cohort of either version, as the running
 * state it stands for (a version 1 summary has shifts 0).
 */
extern void cohort_accum_from_datum(Datum d, CohortAccum *out);

/* Detoasts and checks the version and size of a stored cohort. */
extern Cohort *cohort_from_datum(Datum d);
extern Cohort *cohort_make(const CohortStats *s);

/*
 * The summary's fields in the binary format (COHORT_STATS_SEND_SIZE bytes),
 * written and read in network byte order; the reader does not validate.
 */
#define COHORT_STATS_SEND_SIZE (14 * 8)
extern void cohort_stats_send(StringInfo buf, const CohortStats *s);
extern void cohort_stats_recv(StringInfo buf, CohortStats *s);

#define PG_GETARG_COHORT(n)		cohort_from_datum(PG_GETARG_DATUM(n))
#define PG_RETURN_COHORT(c)		PG_RETURN_POINTER(c)

#endif							/* CA_COHORT_TYPE_H */
