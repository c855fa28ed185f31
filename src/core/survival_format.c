/*
 * survival_format.c
 *		The binary and text forms of survival runs.  Both decoders take
 *		untrusted input: they check lengths before reading and validate
 *		the run they produce.
 */
#include "survival.h"
#include "survival_internal.h"
#include "field_text.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BIN_HEADER 5
#define BIN_POINT 24

static void
put_u64(unsigned char *p, uint64_t v)
{
	int			i;

	for (i = 7; i >= 0; i--)
	{
		p[i] = (unsigned char) (v & 0xff);
		v >>= 8;
	}
}

static uint64_t
get_u64(const unsigned char *p)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

size_t
surv_binary_size(size_t n)
{
	return BIN_HEADER + n * BIN_POINT;
}

void
surv_binary_encode(const SurvPoint *pts, size_t n, unsigned char *out)
{
	size_t		i;

	out[0] = SURV_FORMAT_VERSION;
	out[1] = (unsigned char) (n >> 24);
	out[2] = (unsigned char) (n >> 16);
	out[3] = (unsigned char) (n >> 8);
	out[4] = (unsigned char) n;
	out += BIN_HEADER;
	for (i = 0; i < n; i++, out += BIN_POINT)
	{
		uint64_t	bits;

		memcpy(&bits, &pts[i].time, sizeof(bits));
		put_u64(out, bits);
		put_u64(out + 8, (uint64_t) pts[i].events);
		put_u64(out + 16, (uint64_t) pts[i].censored);
	}
}

bool
surv_binary_count(const unsigned char *data, size_t len, size_t *n,
				  SurvProblem *why)
{
	uint32_t	count;

	if (len < 1)
	{
		surv_problem(why, "no data");
		return false;
	}
	if (data[0] != SURV_FORMAT_VERSION)
	{
		surv_problem(why, "unsupported format version %d (this build reads version %d)",
				(int) data[0], SURV_FORMAT_VERSION);
		return false;
	}
	if (len < BIN_HEADER)
	{
		surv_problem(why, "%zu bytes are too short for the header", len);
		return false;
	}
	count = ((uint32_t) data[1] << 24) | ((uint32_t) data[2] << 16) |
		((uint32_t) data[3] << 8) | (uint32_t) data[4];
	if (count > SURV_MAX_POINTS)
	{
		surv_problem(why, "%u distinct times exceed the limit of %d",
				(unsigned) count, SURV_MAX_POINTS);
		return false;
	}
	if (len != surv_binary_size(count))
	{
		surv_problem(why, "%zu bytes where %zu are expected for %u times",
				len, surv_binary_size(count), (unsigned) count);
		return false;
	}
	*n = count;
	return true;
}

bool
surv_binary_decode(const unsigned char *data, size_t len, SurvPoint *out,
				   SurvProblem *why)
{
	size_t		n,
				i;

	if (!surv_binary_count(data, len, &n, why))
		return false;
	data += BIN_HEADER;
	for (i = 0; i < n; i++, data += BIN_POINT)
	{
		uint64_t	bits = get_u64(data);

		memcpy(&out[i].time, &bits, sizeof(bits));
		out[i].events = (int64_t) get_u64(data + 8);
		out[i].censored = (int64_t) get_u64(data + 16);
	}
	return surv_run_valid(out, n, why);
}

typedef struct TextParser
{
	const char *p;
	const SurvAlloc *mem;
	SurvPoint  *pts;
	size_t		n;
	size_t		cap;
	SurvProblem *why;
} TextParser;

static void
skip_space(TextParser *tp)
{
	while (*tp->p == ' ' || *tp->p == '\t' || *tp->p == '\n' || *tp->p == '\r')
		tp->p++;
}

/* Consumes c after optional spaces. */
static bool
expect_char(TextParser *tp, char c)
{
	skip_space(tp);
	if (*tp->p != c)
		return false;
	tp->p++;
	return true;
}

static bool
parse_i64(TextParser *tp, int64_t *v)
{
	char	   *end;
	long long	x;

	skip_space(tp);
	if (!(*tp->p == '-' || (*tp->p >= '0' && *tp->p <= '9')))
		return false;
	errno = 0;
	x = strtoll(tp->p, &end, 10);
	if (end == tp->p || errno == ERANGE)
		return false;
	tp->p = end;
	*v = (int64_t) x;
	return true;
}

static bool
parse_time(TextParser *tp, double *v)
{
	char	   *end;

	skip_space(tp);
	/* strtod would also take hexadecimal and "inf"/"nan" spellings */
	if (!(*tp->p == '-' || *tp->p == '+' || *tp->p == '.' ||
		  (*tp->p >= '0' && *tp->p <= '9')))
		return false;
	errno = 0;
	*v = strtod(tp->p, &end);
	if (end == tp->p || !isfinite(*v) ||
		(errno == ERANGE && *v == 0.0) ||	/* underflow; subnormals are fine */
		memchr(tp->p, 'x', end - tp->p) || memchr(tp->p, 'X', end - tp->p))
		return false;
	tp->p = end;
	return true;
}

static bool
parse_points(TextParser *tp)
{
	if (!expect_char(tp, '['))
	{
		surv_problem(tp->why, "field \"points\" must be a list in brackets");
		return false;
	}
	if (expect_char(tp, ']'))
		return true;
	for (;;)
	{
		SurvPoint	pt;

		if (!parse_time(tp, &pt.time) || !expect_char(tp, ':') ||
			!parse_i64(tp, &pt.events) || !expect_char(tp, '/') ||
			!parse_i64(tp, &pt.censored))
		{
			surv_problem(tp->why, "point %zu of field \"points\" is not time:events/censored "
					"with a finite time and integer counts", tp->n + 1);
			return false;
		}
		if (tp->n == tp->cap)
		{
			size_t		cap = tp->cap < 16 ? 16 : tp->cap * 2;

			if (tp->n >= SURV_MAX_POINTS)
			{
				surv_problem(tp->why, "more than %d distinct times", SURV_MAX_POINTS);
				return false;
			}
			if (surv_points_grow(tp->mem, &tp->pts, tp->n, cap) != CA_OK)
			{
				surv_problem(tp->why, "out of memory");
				return false;
			}
			tp->cap = cap;
		}
		tp->pts[tp->n++] = pt;
		if (expect_char(tp, ']'))
			return true;
		if (!expect_char(tp, ','))
		{
			surv_problem(tp->why, "expected \",\" or \"]\" after point %zu", tp->n);
			return false;
		}
	}
}

enum
{
	TF_VERSION,
	TF_OBSERVATIONS,
	TF_EVENTS,
	TF_POINTS,
	TF_NFIELDS
};

static const char *const text_fields[TF_NFIELDS] = {
	"version", "observations", "events", "points"
};

/* The value of field f, read by parse_points or parse_i64, ends at end. */
static bool
value_done(TextParser *tp, const char *end, int f)
{
	while (tp->p < end && (*tp->p == ' ' || *tp->p == '\t' || *tp->p == '\n' || *tp->p == '\r'))
		tp->p++;
	if (tp->p != end)
	{
		surv_problem(tp->why, "expected \",\" or \")\" after field \"%s\"", text_fields[f]);
		return false;
	}
	return true;
}

/* A problem of the "(name=value, ...)" syntax in the words of this type. */
static void
syntax_problem(const CaFieldReader *r, SurvProblem *why)
{
	const char *field = r->field >= 0 ? text_fields[r->field] : "";

	switch (r->problem)
	{
		case CA_FIELDS_NO_OPEN:
			surv_problem(why, "a survival value starts with \"(version=\"");
			break;
		case CA_FIELDS_UNKNOWN:
			surv_problem(why, "unknown field \"%.*s\"",
						 (int) (r->name_len > 40 ? 40 : r->name_len), r->name);
			break;
		case CA_FIELDS_VERSION_ORDER:
			surv_problem(why, "the first field, and only the first, is \"version\"");
			break;
		case CA_FIELDS_TWICE:
			surv_problem(why, "field \"%s\" appears twice", field);
			break;
		case CA_FIELDS_NO_EQUALS:
			surv_problem(why, "expected \"=\" after field \"%s\"", field);
			break;
		case CA_FIELDS_UNBALANCED:
		case CA_FIELDS_NO_SEPARATOR:
			surv_problem(why, "expected \",\" or \")\" after field \"%s\"", field);
			break;
		case CA_FIELDS_TRAILING:
			surv_problem(why, "unexpected text after \")\"");
			break;
		case CA_FIELDS_MISSING:
			surv_problem(why, "field \"%s\" is missing", field);
			break;
	}
}

static bool
parse_text(TextParser *tp)
{
	CaFieldReader r;
	int64_t		observations = 0,
				events = 0,
				version;
	int			f;
	const char *value;
	size_t		len;

	ca_fields_begin(&r, tp->p, text_fields, TF_NFIELDS);
	for (;;)
	{
		if (ca_fields_next(&r, &f, &value, &len) != CA_OK)
		{
			syntax_problem(&r, tp->why);
			return false;
		}
		if (f < 0)
			break;
		tp->p = value;
		if (f == TF_POINTS)
		{
			if (!parse_points(tp))
				return false;
		}
		else if (!parse_i64(tp, f == TF_VERSION ? &version :
							f == TF_OBSERVATIONS ? &observations : &events))
		{
			surv_problem(tp->why, "field \"%s\" must be an integer", text_fields[f]);
			return false;
		}
		if (f == TF_VERSION && version != SURV_FORMAT_VERSION)
		{
			surv_problem(tp->why, "unsupported format version %" PRId64
					" (this build reads version %d)", version, SURV_FORMAT_VERSION);
			return false;
		}
		if (!value_done(tp, value + len, f))
			return false;
	}
	if (!surv_run_valid(tp->pts, tp->n, tp->why))
		return false;
	if (observations != surv_observations(tp->pts, tp->n) ||
		events != surv_events(tp->pts, tp->n))
	{
		surv_problem(tp->why, "the totals observations=%" PRId64 " and events=%" PRId64
				" do not match the points (%" PRId64 " and %" PRId64 ")",
				observations, events, surv_observations(tp->pts, tp->n),
				surv_events(tp->pts, tp->n));
		return false;
	}
	return true;
}

bool
surv_text_parse(const char *input, const SurvAlloc *mem, SurvPoint **pts,
				size_t *n, SurvProblem *why)
{
	TextParser	tp = {input, mem, NULL, 0, 0, why};

	if (!parse_text(&tp))
	{
		surv_points_release(mem, tp.pts);
		return false;
	}
	*pts = tp.pts;
	*n = tp.n;
	return true;
}
