/*
 * ca_export.h
 *		Exports the SQL-callable functions from a library built with
 *		-fvisibility=hidden.
 *
 * PostgreSQL 16 and later declare both the function and its pg_finfo_
 * record PGDLLEXPORT in PG_FUNCTION_INFO_V1; 15 and older only the record.
 * For those, the macro is redefined as 16 has it.  The Makefile includes
 * this header first in every file of src/ (-include), and defines
 * PGDLLEXPORT as visibility("default") for 15 and older.
 */
#ifndef CA_EXPORT_H
#define CA_EXPORT_H

#include "postgres.h"
#include "fmgr.h"

#if PG_VERSION_NUM < 160000
#undef PG_FUNCTION_INFO_V1
#define PG_FUNCTION_INFO_V1(funcname) \
extern PGDLLEXPORT Datum funcname(PG_FUNCTION_ARGS); \
extern PGDLLEXPORT const Pg_finfo_record * CppConcat(pg_finfo_,funcname)(void); \
const Pg_finfo_record * \
CppConcat(pg_finfo_,funcname) (void) \
{ \
	static const Pg_finfo_record my_finfo = { 1 }; \
	return &my_finfo; \
} \
extern int no_such_variable
#endif

#endif							/* CA_EXPORT_H */
