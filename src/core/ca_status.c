/*
 * ca_status.c
 *		Descriptions of the status codes of src/core.
 */
#include "ca_status.h"

const char *
ca_status_text(CaStatus st)
{
	switch (st)
	{
		case CA_OK:
			return "no error";
		case CA_OVERFLOW:
			return "out of range";
		case CA_NOT_FINITE:
			return "not finite";
		case CA_INCONSISTENT:
			return "inconsistent";
		case CA_BAD_TIME:
			return "invalid time";
		case CA_BAD_COUNT:
			return "invalid count";
		case CA_TOO_MANY:
			return "too many entries";
		case CA_NO_MEMORY:
			return "out of memory";
		case CA_BAD_LOCALE:
			return "ICU has no data for this locale";
		case CA_BAD_KEYWORD:
			return "only the calendar keyword is supported";
		case CA_BAD_CALENDAR:
			return "ICU does not know this calendar";
		case CA_UNIT_UNDEFINED:
			return "quarters need a calendar whose years have 12 months";
		case CA_OUT_OF_RANGE:
			return "date out of range";
		case CA_ICU_ERROR:
			return "ICU error";
		case CA_BAD_SYNTAX:
			return "invalid syntax";
	}
	return "unknown status";
}
