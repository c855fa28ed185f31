/*
 * field_list.c
 *		The "(name=value, ...)" text form in the glue: its fields, read by
 *		src/core/field_text.c, and its errors.
 */
#include "postgres.h"

#include "ca_util.h"
#include "field_list.h"
#include "field_text.h"

static void
skip_space(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static void
syntax_error(const char *input, const char *type_name, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", type_name, input),
			 errdetail("%s", what)));
}

void
ca_field_error(const char *input, const char *type_name, const char *field,
			   const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", type_name, input),
			 errdetail("Field \"%s\" %s.", field, what)));
}

void
ca_value_error(const char *input, const char *type_name, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid %s value: %s", type_name, problem),
			 errdetail("Input: \"%s\".", input)));
	pg_unreachable();
}

void
ca_parse_fields(const char *input, const char *type_name,
				const char *const *names, int nfields, char **values)
{
	CaFieldReader r;
	int			f;
	const char *value;
	size_t		len;

	for (f = 0; f < nfields; f++)
		values[f] = NULL;
	ca_fields_begin(&r, input, names, nfields);
	while (ca_fields_next(&r, &f, &value, &len) == CA_OK)
	{
		if (f < 0)
			return;
		values[f] = pnstrdup(value, len);
	}
	switch (r.problem)
	{
		case CA_FIELDS_NO_OPEN:
			syntax_error(input, type_name, "The value starts with \"(version=\".");
			break;
		case CA_FIELDS_UNKNOWN:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"", type_name, input),
					 errdetail("Unknown field \"%.*s\".", (int) r.name_len, r.name)));
			break;
		case CA_FIELDS_VERSION_ORDER:
			syntax_error(input, type_name, "The first field, and only the first, is \"version\".");
			break;
		case CA_FIELDS_TWICE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"", type_name, input),
					 errdetail("Field \"%s\" appears twice.", names[r.field])));
			break;
		case CA_FIELDS_NO_EQUALS:
			syntax_error(input, type_name, "Expected \"=\" after a field name.");
			break;
		case CA_FIELDS_UNBALANCED:
			syntax_error(input, type_name, "Unbalanced \"}\".");
			break;
		case CA_FIELDS_NO_SEPARATOR:
			syntax_error(input, type_name, "Expected \",\" or \")\" after a field.");
			break;
		case CA_FIELDS_TRAILING:
			syntax_error(input, type_name, "Unexpected text after \")\".");
			break;
		case CA_FIELDS_MISSING:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"", type_name, input),
					 errdetail("Field \"%s\" is missing.", names[r.field])));
			break;
	}
}

int
ca_parse_int64_list(const char *value, int64 *out, int max)
{
	const char *p = value;
	int			n = 0;

	skip_space(&p);
	if (*p++ != '{')
		return -1;
	skip_space(&p);
	if (*p == '}')
		p++;
	else
		for (;;)
		{
			int64		v;

			skip_space(&p);
			if (n == max || !ca_parse_int64(&p, &v))
				return -1;
			out[n++] = v;
			skip_space(&p);
			if (*p == '}')
			{
				p++;
				break;
			}
			if (*p++ != ',')
				return -1;
		}
	skip_space(&p);
	return *p == '\0' ? n : -1;
}
