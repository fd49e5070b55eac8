#ifndef FTTH_CPCAP_SHIM_H
#define FTTH_CPCAP_SHIM_H
// libpcap (libpcap-dev) for the service probe's PPPoE frames.
#include <pcap/pcap.h>
#endif
