/*
 * retention.h
 *		The stored activity and retention values and how glue code reads
 *		and builds them.  Both are varlenas whose payload is the binary
 *		format of src/core/activity.h.
 */
#ifndef CA_RETENTION_H
#define CA_RETENTION_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/timestamp.h"

#include "activity.h"
#include "calendar.h"

/*
 * Decodes a stored activity; the view points into the detoasted datum.
 * A corrupt value raises an ERROR.
 */
extern void activity_from_datum(Datum d, ActivityView *a);
extern Datum activity_make(const ActivityView *a);

/* Checks what the core cannot: a finite origin and known names. */
extern void activity_check_fields(const ActivityView *a, int sqlstate,
								  const char *what);

/* Copies of the locale (NULL for ISO) and time zone of an activity. */
extern char *activity_locale(const ActivityView *a);
extern char *activity_tz(const ActivityView *a);

/* Retention counters with their arrays, allocated in cxt. */
extern RetentionCounts *retention_alloc(MemoryContext cxt, uint8 unit,
										int32 periods);
extern RetentionCounts *retention_from_datum(Datum d);
extern Datum retention_make(const RetentionCounts *r);

/* Raises an ERROR unless a and b have the same unit and periods. */
extern void retention_check_shape(const RetentionCounts *a, uint8 unit,
								  int32 periods, const char *fname);

/*
 * The periods of activity a (argument 1 of a retention_agg call) that count
 * for its unit: all of them, or those ended by as_of (argument 2).
 */
extern int32 retention_agg_eligible(FunctionCallInfo fcinfo, const ActivityView *a);

#endif							/* CA_RETENTION_H */
