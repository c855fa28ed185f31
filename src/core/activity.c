/*
 * activity.c
 *		Activity bitmaps, retention counters and their binary formats.
 */
#include "activity.h"

#include <string.h>

#include "calendar.h"

/* activity: version, unit, locale_len, tz_len, periods, origin */
#define ACTIVITY_HEADER 16
/* retention: version, unit, reserved (2), periods, units */
#define RETENTION_HEADER 16

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t) (v >> 24);
	p[1] = (uint8_t) (v >> 16);
	p[2] = (uint8_t) (v >> 8);
	p[3] = (uint8_t) v;
}

static void
put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, (uint32_t) (v >> 32));
	put_u32(p + 4, (uint32_t) v);
}

static uint32_t
get_u32(const uint8_t *p)
{
	return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
		((uint32_t) p[2] << 8) | (uint32_t) p[3];
}

static uint64_t
get_u64(const uint8_t *p)
{
	return ((uint64_t) get_u32(p) << 32) | get_u32(p + 4);
}

bool
activity_name_ok(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || strchr("_-+/@=;.:<>", c) != NULL) ||
			c == '\0')
			return false;
	}
	return true;
}

const char *
activity_problem(const ActivityView *a)
{
	size_t		nbytes;
	int			unused;

	if (a->unit >= CA_PERIOD_NUNITS)
		return "unknown unit";
	if (a->periods < 1 || a->periods > CA_MAX_PERIODS)
		return "periods out of range";
	if (!activity_name_ok(a->locale, a->locale_len))
		return "invalid character in locale";
	if (a->tz_len == 0)
		return "empty time zone";
	if (!activity_name_ok(a->tz, a->tz_len))
		return "invalid character in time zone";
	/* bits past the last period must be zero, so equal values are equal bytes */
	nbytes = activity_bitmap_size(a->periods);
	unused = (int) (nbytes * 8 - (size_t) a->periods);
	if (unused > 0 && (a->bits[nbytes - 1] >> (8 - unused)) != 0)
		return "active bit past the last period";
	return NULL;
}

size_t
activity_encoded_size(const ActivityView *a)
{
	return ACTIVITY_HEADER + a->locale_len + a->tz_len +
		activity_bitmap_size(a->periods);
}

void
activity_encode(const ActivityView *a, uint8_t *out)
{
	out[0] = CA_ACTIVITY_VERSION;
	out[1] = a->unit;
	out[2] = a->locale_len;
	out[3] = a->tz_len;
	put_u32(out + 4, (uint32_t) a->periods);
	put_u64(out + 8, (uint64_t) a->origin);
	out += ACTIVITY_HEADER;
	memcpy(out, a->locale, a->locale_len);
	out += a->locale_len;
	memcpy(out, a->tz, a->tz_len);
	out += a->tz_len;
	memcpy(out, a->bits, activity_bitmap_size(a->periods));
}

const char *
activity_decode(const uint8_t *buf, size_t len, ActivityView *a)
{
	if (len < 1)
		return "no data";
	if (buf[0] != CA_ACTIVITY_VERSION)
		return "unsupported format version";
	if (len < ACTIVITY_HEADER)
		return "truncated header";
	a->unit = buf[1];
	a->locale_len = buf[2];
	a->tz_len = buf[3];
	a->periods = (int32_t) get_u32(buf + 4);
	a->origin = (int64_t) get_u64(buf + 8);
	if (a->periods < 1 || a->periods > CA_MAX_PERIODS)
		return "periods out of range";
	if (len != ACTIVITY_HEADER + (size_t) a->locale_len + a->tz_len +
		activity_bitmap_size(a->periods))
		return "length does not match the header";
	a->locale = (const char *) buf + ACTIVITY_HEADER;
	a->tz = a->locale + a->locale_len;
	a->bits = (const uint8_t *) a->tz + a->tz_len;
	return activity_problem(a);
}

void
retention_init(RetentionCounts *r, uint8_t unit, int32_t periods, int64_t *buf)
{
	r->unit = unit;
	r->periods = periods;
	r->units = 0;
	r->on = buf;
	r->on_or_after = buf + periods;
	r->eligible = buf + 2 * (size_t) periods;
	memset(buf, 0, 3 * (size_t) periods * sizeof(int64_t));
}

CaStatus
retention_add(RetentionCounts *r, const uint8_t *bits, int32_t eligible_periods)
{
	int32_t		n = eligible_periods < r->periods ? eligible_periods : r->periods;
	int32_t		k;
	int			later = 0;

	if (r->units == INT64_MAX)
		return CA_OVERFLOW;
	/* every count is at most units, so none of them can overflow either */
	r->units++;
	for (k = n - 1; k >= 0; k--)
	{
		int			on = activity_bit(bits, k);

		later |= on;
		r->on[k] += on;
		r->on_or_after[k] += later;
		r->eligible[k]++;
	}
	return CA_OK;
}

CaStatus
retention_merge(RetentionCounts *dst, const RetentionCounts *src)
{
	int64_t		units;
	int32_t		k;

	if (dst->unit != src->unit || dst->periods != src->periods)
		return CA_INCONSISTENT;
	if (!ca_add_i64(dst->units, src->units, &units))
		return CA_OVERFLOW;
	/* counts never exceed units, so they cannot overflow once units fits */
	dst->units = units;
	for (k = 0; k < dst->periods; k++)
	{
		dst->on[k] += src->on[k];
		dst->on_or_after[k] += src->on_or_after[k];
		dst->eligible[k] += src->eligible[k];
	}
	return CA_OK;
}

const char *
retention_problem(const RetentionCounts *r)
{
	int32_t		k;

	if (r->unit >= CA_PERIOD_NUNITS)
		return "unknown unit";
	if (r->periods < 1 || r->periods > CA_MAX_PERIODS)
		return "periods out of range";
	if (r->units < 0)
		return "negative units";
	for (k = 0; k < r->periods; k++)
	{
		if (r->on[k] < 0)
			return "negative count";
		if (r->on[k] > r->on_or_after[k])
			return "on exceeds on_or_after";
		if (r->on_or_after[k] > r->eligible[k])
			return "on_or_after exceeds eligible";
		if (r->eligible[k] > (k == 0 ? r->units : r->eligible[k - 1]))
			return "eligible grows from one period to the next, or exceeds units";
		if (k > 0 && (r->on_or_after[k] > r->on_or_after[k - 1] ||
					  r->on_or_after[k - 1] - r->on_or_after[k] > r->on[k - 1]))
			return "on_or_after does not match on";
	}
	if (r->on_or_after[r->periods - 1] != r->on[r->periods - 1])
		return "on_or_after of the last period differs from on";
	return NULL;
}

size_t
retention_encoded_size(int32_t periods)
{
	return RETENTION_HEADER + 3 * 8 * (size_t) periods;
}

void
retention_encode(const RetentionCounts *r, uint8_t *out)
{
	int32_t		k;

	out[0] = CA_RETENTION_VERSION;
	out[1] = r->unit;
	out[2] = 0;
	out[3] = 0;
	put_u32(out + 4, (uint32_t) r->periods);
	put_u64(out + 8, (uint64_t) r->units);
	out += RETENTION_HEADER;
	for (k = 0; k < r->periods; k++, out += 24)
	{
		put_u64(out, (uint64_t) r->on[k]);
		put_u64(out + 8, (uint64_t) r->on_or_after[k]);
		put_u64(out + 16, (uint64_t) r->eligible[k]);
	}
}

const char *
retention_decode_header(const uint8_t *buf, size_t len, uint8_t *unit,
						int32_t *periods)
{
	if (len < 1)
		return "no data";
	if (buf[0] != CA_RETENTION_VERSION)
		return "unsupported format version";
	if (len < RETENTION_HEADER)
		return "truncated header";
	if (buf[2] != 0 || buf[3] != 0)
		return "reserved bytes are not zero";
	*unit = buf[1];
	*periods = (int32_t) get_u32(buf + 4);
	if (*unit >= CA_PERIOD_NUNITS)
		return "unknown unit";
	if (*periods < 1 || *periods > CA_MAX_PERIODS)
		return "periods out of range";
	if (len != retention_encoded_size(*periods))
		return "length does not match the header";
	return NULL;
}

const char *
retention_decode(const uint8_t *buf, size_t len, RetentionCounts *r)
{
	const char *problem;
	uint8_t		unit;
	int32_t		periods;
	int32_t		k;

	if ((problem = retention_decode_header(buf, len, &unit, &periods)) != NULL)
		return problem;
	if (unit != r->unit || periods != r->periods)
		return "header differs from the expected one";
	r->units = (int64_t) get_u64(buf + 8);
	buf += RETENTION_HEADER;
	for (k = 0; k < periods; k++, buf += 24)
	{
		r->on[k] = (int64_t) get_u64(buf);
		r->on_or_after[k] = (int64_t) get_u64(buf + 8);
		r->eligible[k] = (int64_t) get_u64(buf + 16);
	}
	return retention_problem(r);
}
