/*
 * field_list.c
 *		Parser of the "(name=value, ...)" text form.
 */
#include "postgres.h"

#include "ca_util.h"
#include "field_list.h"

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
	const char *p = input;
	int			f;

	for (f = 0; f < nfields; f++)
		values[f] = NULL;
	skip_space(&p);
	if (*p++ != '(')
		syntax_error(input, type_name, "The value starts with \"(version=\".");
	for (;;)
	{
		const char *key,
				   *val,
				   *end;
		int			depth = 0;

		skip_space(&p);
		key = p;
		while ((*p >= 'a' && *p <= 'z') || *p == '_' ||
			   (p > key && *p >= '0' && *p <= '9'))
			p++;
		for (f = 0; f < nfields; f++)
			if (strlen(names[f]) == (size_t) (p - key) &&
				strncmp(key, names[f], p - key) == 0)
				break;
		if (f == nfields)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"", type_name, input),
					 errdetail("Unknown field \"%.*s\".", (int) (p - key), key)));
		if ((values[0] == NULL) != (f == 0))
			syntax_error(input, type_name, "The first field, and only the first, is \"version\".");
		if (values[f] != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"", type_name, input),
					 errdetail("Field \"%s\" appears twice.", names[f])));
		skip_space(&p);
		if (*p++ != '=')
			syntax_error(input, type_name, "Expected \"=\" after a field name.");
		skip_space(&p);
		/* the value runs to the next "," or ")" outside braces */
		val = p;
		while (*p != '\0' && (depth > 0 || (*p != ',' && *p != ')')))
		{
			if (*p == '{')
				depth++;
			else if (*p == '}' && --depth < 0)
				syntax_error(input, type_name, "Unbalanced \"}\".");
			p++;
		}
		end = p;
		while (end > val && (end[-1] == ' ' || end[-1] == '\t' ||
							 end[-1] == '\n' || end[-1] == '\r'))
			end--;
		values[f] = pnstrdup(val, end - val);
		if (*p == ')')
			break;
		if (*p++ != ',')
			syntax_error(input, type_name, "Expected \",\" or \")\" after a field.");
	}
	p++;
	skip_space(&p);
	if (*p != '\0')
		syntax_error(input, type_name, "Unexpected text after \")\".");
	for (f = 0; f < nfields; f++)
		if (values[f] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"", type_name, input),
					 errdetail("Field \"%s\" is missing.", names[f])));
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
