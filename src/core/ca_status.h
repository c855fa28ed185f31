/*
 * ca_status.h
 *		The one status code of src/core.
 *
 * Every function of src/core that can fail for a reason its caller must
 * report returns a CaStatus; CA_OK is zero, and a failed update leaves its
 * target unchanged.  The glue turns each status into an ERROR with a
 * SQLSTATE and a message that names what was being computed.  Validators
 * and decoders of untrusted input also report a description of the first
 * problem they find, which the glue quotes in the error detail.
 *
 * Plain C: no PostgreSQL headers.
 */
#ifndef CA_STATUS_H
#define CA_STATUS_H

typedef enum CaStatus
{
	CA_OK = 0,
	/* arithmetic of the summaries */
	CA_OVERFLOW,				/* a count or a moment left its range */
	CA_NOT_FINITE,				/* an input was NaN or infinite */
	CA_INCONSISTENT,			/* removal of something never added; mismatched inputs */
	/* survival observations */
	CA_BAD_TIME,				/* negative, NaN or infinite time; unsorted run */
	CA_BAD_COUNT,				/* negative count */
	CA_TOO_MANY,				/* more distinct entries than a value may hold */
	CA_NO_MEMORY,				/* the caller's allocator returned NULL */
	/* calendars */
	CA_BAD_LOCALE,				/* unparsable, or a language ICU has no data for */
	CA_BAD_KEYWORD,				/* a locale keyword other than "calendar" */
	CA_BAD_CALENDAR,			/* a calendar keyword value ICU does not know */
	CA_UNIT_UNDEFINED,			/* quarters of a calendar without 12-month years */
	CA_OUT_OF_RANGE,			/* a day outside the supported range */
	CA_ICU_ERROR,				/* ICU failed (the calendar keeps its error code) */
	/* text and binary input */
	CA_BAD_SYNTAX				/* text that does not follow the grammar */
} CaStatus;

/* A short English description of a status, for logs and unit tests. */
extern const char *ca_status_text(CaStatus st);

#endif							/* CA_STATUS_H */
