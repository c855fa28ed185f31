/*
 * activity.h
 *		Which periods after its origin a unit was active in, and retention
 *		counters over many units, with their binary formats.
 *
 * The binary formats are also the stored formats: big-endian, starting
 * with a format version.  Decoders check every field, so they accept any
 * bytes without reading out of bounds.
 *
 * Plain C: no PostgreSQL headers.
 */
#ifndef CA_ACTIVITY_H
#define CA_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "moments.h"

#define CA_ACTIVITY_VERSION 1
#define CA_RETENTION_VERSION 1

/* Periods an activity can cover: daily for almost three years. */
#define CA_MAX_PERIODS 1024

/* Longest locale and time zone names stored. */
#define CA_MAX_NAME 255

/*
 * One unit's activity: the unit's origin (a timestamp, opaque here), the
 * calendar that splits time into periods after it, and one bit per period.
 * Decoding points into the decoded buffer.
 */
typedef struct ActivityView
{
	uint8_t		unit;			/* a CaPeriodUnit */
	int32_t		periods;		/* 1 .. CA_MAX_PERIODS */
	int64_t		origin;
	uint8_t		locale_len;		/* 0: ISO calendar */
	uint8_t		tz_len;			/* >= 1 */
	const char *locale;			/* not NUL-terminated */
	const char *tz;				/* not NUL-terminated */
	const uint8_t *bits;		/* bit k of byte k / 8: active in period k */
} ActivityView;

/* Bytes of the period bitmap. */
static inline size_t
activity_bitmap_size(int32_t periods)
{
	return ((size_t) periods + 7) / 8;
}

static inline int
activity_bit(const uint8_t *bits, int32_t k)
{
	return (bits[k >> 3] >> (k & 7)) & 1;
}

static inline void
activity_set_bit(uint8_t *bits, int32_t k)
{
	bits[k >> 3] |= (uint8_t) (1 << (k & 7));
}

extern size_t activity_encoded_size(const ActivityView *a);
extern void activity_encode(const ActivityView *a, uint8_t *out);

/* Returns NULL when buf holds a valid activity, else what is wrong. */
extern const char *activity_decode(const uint8_t *buf, size_t len,
								   ActivityView *a);

/*
 * Whether a locale ID or time zone name can be stored: letters, digits and
 * _-+/@=;.:<> only, so that the text form needs no quoting.
 */
extern bool activity_name_ok(const char *s, size_t len);

/* Checks the fields of an activity built in memory. */
extern const char *activity_problem(const ActivityView *a);

/*
 * Retention over a group of units.  For each period k: units active in it
 * (on), units active in it or a later period (on_or_after) and units that
 * count for it (eligible); the arrays hold periods entries each.
 */
typedef struct RetentionCounts
{
	uint8_t		unit;
	int32_t		periods;
	int64_t		units;
	int64_t    *on;
	int64_t    *on_or_after;
	int64_t    *eligible;
} RetentionCounts;

/* Points the arrays of r into buf, which holds 3 * periods int64s. */
extern void retention_init(RetentionCounts *r, uint8_t unit, int32_t periods,
						   int64_t *buf);

/*
 * Adds one unit whose periods 0 .. eligible_periods - 1 count: it is
 * eligible for those, and active in those whose bit is set.
 */
extern CaStatus retention_add(RetentionCounts *r, const uint8_t *bits,
							  int32_t eligible_periods);

/* dst += src; CA_INCONSISTENT when unit or periods differ. */
extern CaStatus retention_merge(RetentionCounts *dst, const RetentionCounts *src);

extern size_t retention_encoded_size(int32_t periods);
extern void retention_encode(const RetentionCounts *r, uint8_t *out);

/*
 * Reads unit and periods, so that the caller can allocate the arrays;
 * NULL when the header and the length agree, else what is wrong.
 */
extern const char *retention_decode_header(const uint8_t *buf, size_t len,
										   uint8_t *unit, int32_t *periods);

/* Decodes into r, whose arrays hold the periods from the header. */
extern const char *retention_decode(const uint8_t *buf, size_t len,
									RetentionCounts *r);

/* NULL when the counts could come from real units, else the problem. */
extern const char *retention_problem(const RetentionCounts *r);

#endif							/* CA_ACTIVITY_H */
