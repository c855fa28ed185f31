/*
 * Unit tests of the reader of the "(version=1, name=value, ...)" text form
 * and of the status descriptions.
 */
#include <string.h>

#include "field_text.h"
#include "unit.h"

static const char *const names[] = {"version", "count", "items", "p2"};

/* Reads input to its end; returns the status of the last call. */
static CaStatus
read_all(const char *input, CaFieldReader *r, const char **values, size_t *lens)
{
	int			f;
	const char *v;
	size_t		len;
	CaStatus	st;

	ca_fields_begin(r, input, names, 4);
	while ((st = ca_fields_next(r, &f, &v, &len)) == CA_OK && f >= 0)
	{
		values[f] = v;
		lens[f] = len;
	}
	return st;
}

static bool
value_is(const char *v, size_t len, const char *want)
{
	return len == strlen(want) && strncmp(v, want, len) == 0;
}

static CaFieldSyntax
problem_of(const char *input, int *field)
{
	CaFieldReader r;
	const char *values[4] = {0};
	size_t		lens[4] = {0};

	if (read_all(input, &r, values, lens) != CA_BAD_SYNTAX)
		return (CaFieldSyntax) -1;
	*field = r.field;
	return r.problem;
}

static void
test_good(void)
{
	CaFieldReader r;
	const char *values[4] = {0};
	size_t		lens[4] = {0};

	CHECK(read_all("(version=1, count=3, items={1, 2,3}, p2=[1:0/1, 2:1/0])", &r, values, lens) == CA_OK);
	CHECK(value_is(values[0], lens[0], "1"));
	CHECK(value_is(values[1], lens[1], "3"));
	CHECK(value_is(values[2], lens[2], "{1, 2,3}"));
	CHECK(value_is(values[3], lens[3], "[1:0/1, 2:1/0]"));
	/* spaces anywhere, fields after version in any order, empty values */
	CHECK(read_all(" \t( version = 2 ,p2= ,items =x y ,\ncount=) \n", &r, values, lens) == CA_OK);
	CHECK(value_is(values[0], lens[0], "2"));
	CHECK(value_is(values[1], lens[1], ""));
	CHECK(value_is(values[2], lens[2], "x y"));
	CHECK(value_is(values[3], lens[3], ""));
	/* an unclosed list runs to the end: the value's parser reports it */
	CHECK(read_all("(version=1, count=1, items={1,2), p2=0)", &r, values, lens) == CA_BAD_SYNTAX);
	CHECK(r.problem == CA_FIELDS_NO_SEPARATOR && r.field == 2);
	/* a stray "]" is part of the value */
	CHECK(read_all("(version=1, count=1], items=1, p2=0)", &r, values, lens) == CA_OK);
	CHECK(value_is(values[1], lens[1], "1]"));
}

static void
test_problems(void)
{
	int			f = -2;

	CHECK(problem_of("", &f) == CA_FIELDS_NO_OPEN);
	CHECK(problem_of("version=1)", &f) == CA_FIELDS_NO_OPEN);
	CHECK(problem_of("()", &f) == CA_FIELDS_UNKNOWN);
	CHECK(problem_of("(version=1, bogus=2)", &f) == CA_FIELDS_UNKNOWN);
	CHECK(problem_of("(Version=1)", &f) == CA_FIELDS_UNKNOWN);
	CHECK(problem_of("(count=1, version=1)", &f) == CA_FIELDS_VERSION_ORDER && f == 1);
	CHECK(problem_of("(version=1, version=1)", &f) == CA_FIELDS_VERSION_ORDER && f == 0);
	CHECK(problem_of("(version=1, count=1, count=2)", &f) == CA_FIELDS_TWICE && f == 1);
	CHECK(problem_of("(version=1, count 1)", &f) == CA_FIELDS_NO_EQUALS && f == 1);
	CHECK(problem_of("(version=1, items=1})", &f) == CA_FIELDS_UNBALANCED && f == 2);
	CHECK(problem_of("(version=1", &f) == CA_FIELDS_NO_SEPARATOR && f == 0);
	CHECK(problem_of("(version=1, count=1, items=1, p2=1) x", &f) == CA_FIELDS_TRAILING);
	CHECK(problem_of("(version=1, count=1, p2=1)", &f) == CA_FIELDS_MISSING && f == 2);
	CHECK(problem_of("(version=1)", &f) == CA_FIELDS_MISSING && f == 1);
	{
		CaFieldReader r;
		const char *values[4];
		size_t		lens[4];

		CHECK(read_all("(version=1, count_x9=1)", &r, values, lens) == CA_BAD_SYNTAX);
		CHECK(r.problem == CA_FIELDS_UNKNOWN && r.name_len == 8 && strncmp(r.name, "count_x9", 8) == 0);
	}
}

static void
test_status_text(void)
{
	int			st;

	CHECK(strcmp(ca_status_text(CA_OK), "no error") == 0);
	CHECK(strcmp(ca_status_text(CA_BAD_CALENDAR), "ICU does not know this calendar") == 0);
	for (st = CA_OK; st <= CA_BAD_SYNTAX; st++)
		CHECK(strcmp(ca_status_text((CaStatus) st), "unknown status") != 0);
	CHECK(strcmp(ca_status_text((CaStatus) 1000), "unknown status") == 0);
}

int
main(void)
{
	test_good();
	test_problems();
	test_status_text();
	return unit_done("field_text");
}
