/* tcp://A.B.C.D:PORT parsed into a socket address, for the bench's C programs that speak ZMTP on
 * plain sockets (zmq_load.c --wire zmtp, zmtp_echo.c). */
#ifndef CONDUIT_BENCH_TCP_ENDPOINT_H
#define CONDUIT_BENCH_TCP_ENDPOINT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The address of tcp://A.B.C.D:PORT in sa; false for any other endpoint. */
static int tcp_endpoint(const char *endpoint, struct sockaddr_in *sa) {
  const char *colon = strrchr(endpoint, ':');
  char host[64], *end;
  if (strncmp(endpoint, "tcp://", 6) != 0 || colon == NULL || colon < endpoint + 6) return 0;
  size_t hl = (size_t)(colon - endpoint) - 6;
  long port = strtol(colon + 1, &end, 10);
  if (hl >= sizeof host || *end != 0 || end == colon + 1 || port < 1 || port > 65535) return 0;
  memcpy(host, endpoint + 6, hl);
  host[hl] = 0;
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons((uint16_t)port);
  return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

#endif
