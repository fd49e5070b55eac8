#ifndef FTTH_CNETSNMP_SHIM_H
#define FTTH_CNETSNMP_SHIM_H
// net-snmp-config.h defines _GNU_SOURCE: the system headers must come first or fd_set clashes.
#include <stdio.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#endif
