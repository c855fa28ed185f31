/*
 * ddsketch_codec.c
 *		The binary form of the quantile sketch, shared by the stored value,
 *		send/recv and the aggregates' serialized states.
 *
 * Layout, version 1 (multi-byte numbers big-endian, "varint" = unsigned
 * LEB128, "zigzag" = signed varint):
 *
 *	byte	version (1)
 *	byte	flags: 1 = positive store collapsed, 2 = negative store collapsed
 *	8		relative accuracy (IEEE double)
 *	varint	count, varint zero count
 *	8, 8	min and max (doubles; only when count > 0)
 *	varint	number of sum digits n; when n > 0: varint lowest digit,
 *			byte sign (0 or 1), n 32-bit magnitude digits (exact_sum.h)
 *	twice, positive then negative store:
 *			varint number of buckets n; when n > 0: zigzag index of the
 *			first bucket, n varint counts
 *
 * Bucket counts of a sketch are small next to the count, so the varints
 * keep a typical latency sketch near two bytes per bucket.
 */
#include "ddsketch.h"

#include <math.h>
#include <string.h>

#define FLAG_POS_COLLAPSED 1
#define FLAG_NEG_COLLAPSED 2
#define VARINT_MAX 10

static uint8_t *
put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80)
	{
		*p++ = (uint8_t) (v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t) v;
	return p;
}

static uint8_t *
put_u64(uint8_t *p, uint64_t v)
{
	int			i;

	for (i = 7; i >= 0; i--)
		*p++ = (uint8_t) (v >> (8 * i));
	return p;
}

static uint8_t *
put_double(uint8_t *p, double d)
{
	uint64_t	v;

	memcpy(&v, &d, sizeof(v));
	return put_u64(p, v);
}

static uint64_t
zigzag(int32_t v)
{
	return (uint32_t) (((uint32_t) v << 1) ^ (uint32_t) (v >> 31));
}

size_t
ddsketch_encoded_bound(const DDSketch *s)
{
	size_t		buckets = 0;

	if (s->pos.total > 0)
		buckets += s->pos.hi - s->pos.lo + 1;
	if (s->neg.total > 0)
		buckets += s->neg.hi - s->neg.lo + 1;
	return 2 + 8 + 2 * VARINT_MAX + 16 +
		2 * VARINT_MAX + 1 + 4 * XSUM_DIGITS +
		2 * (2 * VARINT_MAX) + buckets * VARINT_MAX;
}

static uint8_t *
put_store(uint8_t *p, const DDStore *st)
{
	int32_t		i;

	if (st->total == 0)
		return put_varint(p, 0);
	p = put_varint(p, (uint64_t) (st->hi - st->lo + 1));
	p = put_varint(p, zigzag(st->lo));
	for (i = st->lo; i <= st->hi; i++)
		p = put_varint(p, (uint64_t) st->counts[i - st->offset]);
	return p;
}

size_t
ddsketch_encode(const DDSketch *s, uint8_t *buf)
{
	uint8_t    *p = buf;
	uint32_t	mag[XSUM_DIGITS];
	bool		negative;
	int			lowest,
				n,
				i;

	*p++ = DDSKETCH_FORMAT_VERSION;
	*p++ = (s->pos.collapsed ? FLAG_POS_COLLAPSED : 0) |
		(s->neg.collapsed ? FLAG_NEG_COLLAPSED : 0);
	p = put_double(p, s->alpha);
	p = put_varint(p, (uint64_t) s->count);
	p = put_varint(p, (uint64_t) s->zero_count);
	if (s->count > 0)
	{
		p = put_double(p, s->min);
		p = put_double(p, s->max);
	}
	n = xsum_export(&s->sum, &negative, &lowest, mag);
	p = put_varint(p, (uint64_t) n);
	if (n > 0)
	{
		p = put_varint(p, (uint64_t) lowest);
		*p++ = negative ? 1 : 0;
		for (i = 0; i < n; i++)
		{
			*p++ = (uint8_t) (mag[i] >> 24);
			*p++ = (uint8_t) (mag[i] >> 16);
			*p++ = (uint8_t) (mag[i] >> 8);
			*p++ = (uint8_t) mag[i];
		}
	}
	p = put_store(p, &s->pos);
	p = put_store(p, &s->neg);
	return (size_t) (p - buf);
}

/* A bounds-checked reader: every get fails once the input is exhausted. */
typedef struct Reader
{
	const uint8_t *p;
	const uint8_t *end;
} Reader;

static bool
get_byte(Reader *r, uint8_t *v)
{
	if (r->p >= r->end)
		return false;
	*v = *r->p++;
	return true;
}

/* Canonical varints only: no redundant trailing zero groups. */
static bool
get_varint(Reader *r, uint64_t *v)
{
	uint64_t	result = 0;
	int			shift;

	for (shift = 0; shift < 64; shift += 7)
	{
		uint8_t		b;

		if (!get_byte(r, &b))
			return false;
		if (shift == 63 && b > 1)
			return false;
		result |= (uint64_t) (b & 0x7F) << shift;
		if (!(b & 0x80))
		{
			if (b == 0 && shift > 0)
				return false;
			*v = result;
			return true;
		}
	}
	return false;
}

static bool
get_count(Reader *r, int64_t *v)
{
	uint64_t	u;

	if (!get_varint(r, &u) || u > (uint64_t) INT64_MAX)
		return false;
	*v = (int64_t) u;
	return true;
}

static bool
get_double(Reader *r, double *d)
{
	uint64_t	v = 0;
	int			i;

	if (r->end - r->p < 8)
		return false;
	for (i = 0; i < 8; i++)
		v = (v << 8) | *r->p++;
	memcpy(d, &v, sizeof(v));
	return true;
}

static const char *
get_store(Reader *r, DDSketch *s, DDStore *st, bool collapsed, int64_t *buf)
{
	uint64_t	n,
				z;
	int64_t		lo;
	uint64_t	i;

	if (!get_varint(r, &n))
		return "truncated store";
	if (n > DDSKETCH_MAX_BUCKETS)
		return "a store has more buckets than the maximum of 2048";
	if (n == 0)
		return ddsketch_load_store(s, st, 0, buf, 0, collapsed);
	if (!get_varint(r, &z) || z > UINT32_MAX)
		return "truncated or invalid bucket index";
	lo = (int64_t) (z >> 1) ^ -(int64_t) (z & 1);
	for (i = 0; i < n; i++)
		if (!get_count(r, &buf[i]))
			return "truncated or invalid bucket count";
	return ddsketch_load_store(s, st, (int32_t) lo, buf, (int) n, collapsed);
}

const char *
ddsketch_decode(DDSketch *s, const uint8_t *buf, size_t len,
				DDAllocFn alloc, void *ctx)
{
	Reader		r = {buf, buf + len};
	uint8_t		version,
				flags,
				sign;
	double		alpha;
	uint64_t	ndigits,
				lowest;
	uint32_t	mag[XSUM_DIGITS];
	int64_t		counts[DDSKETCH_MAX_BUCKETS];
	const char *problem;
	uint64_t	i;

	/* no stores yet: ddsketch_free is safe after any failure */
	memset(s, 0, sizeof(*s));
	s->alloc = alloc;
	s->alloc_ctx = ctx;
	if (!get_byte(&r, &version))
		return "no data";
	if (version != DDSKETCH_FORMAT_VERSION)
		return "unsupported format version";
	if (!get_byte(&r, &flags) || !get_double(&r, &alpha))
		return "truncated header";
	if (flags & ~(FLAG_POS_COLLAPSED | FLAG_NEG_COLLAPSED))
		return "unknown flags";
	if (!ddsketch_valid_alpha(alpha))
		return "the relative accuracy must lie in [0.000001, 1)";
	ddsketch_init(s, alpha, alloc, ctx);
	if (!get_count(&r, &s->count) || !get_count(&r, &s->zero_count))
		return "truncated or invalid count";
	if (s->count > 0)
	{
		if (!get_double(&r, &s->min) || !get_double(&r, &s->max))
			return "truncated min or max";
		/* the aggregates store -0 as 0: one encoding per sketch */
		if ((s->min == 0.0 && signbit(s->min)) || (s->max == 0.0 && signbit(s->max)))
			return "min or max is -0";
	}
	if (!get_varint(&r, &ndigits) || ndigits > XSUM_DIGITS)
		return "truncated or invalid sum";
	if (ndigits > 0)
	{
		if (!get_varint(&r, &lowest) || lowest >= XSUM_DIGITS ||
			!get_byte(&r, &sign) || sign > 1 ||
			(size_t) (r.end - r.p) < 4 * ndigits)
			return "truncated or invalid sum";
		for (i = 0; i < ndigits; i++, r.p += 4)
			mag[i] = ((uint32_t) r.p[0] << 24) | ((uint32_t) r.p[1] << 16) |
				((uint32_t) r.p[2] << 8) | r.p[3];
		if (!xsum_import(&s->sum, sign == 1, (int) lowest, (int) ndigits, mag))
			return "invalid sum digits";
	}
	if ((problem = get_store(&r, s, &s->pos, flags & FLAG_POS_COLLAPSED, counts)) != NULL ||
		(problem = get_store(&r, s, &s->neg, flags & FLAG_NEG_COLLAPSED, counts)) != NULL)
		return problem;
	if (r.p != r.end)
		return "unexpected bytes after the end";
	return ddsketch_problem(s);
}
