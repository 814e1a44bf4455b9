/*
 * The floor for a ZeroMQ request server on this machine: a ZMTP 3.0 ROUTER, NULL mechanism, that
 * sends every byte a peer sends after the handshake straight back and does nothing else. No
 * library, one thread, epoll: per request one read() and one write(), the least any server can
 * spend on loopback TCP. A REQ client's request comes back as its own reply (the envelope and the
 * frames unchanged), so every load bench/zmq_load.c and zmq_load.py send a Conduit bridge runs
 * against it too; what a real server reaches with the same load is a share of this one's rate.
 *
 *   gcc -O2 -o /tmp/zmtp_echo bench/zmtp_echo.c
 *   /tmp/zmtp_echo tcp://127.0.0.1:PORT [--max-seconds S] [--processes N]
 *
 * Prints "READY endpoint" once listening; exits after --max-seconds (default 3600) or on SIGTERM.
 * --processes N (default 1, at most 16) serves the port from N single-threaded processes, each with
 * its own listening socket (SO_REUSEPORT: the kernel spreads the connections over them), to see
 * whether more server threads than one raise the ceiling on a machine's cores. The first process
 * is the one to signal: it stops the others when it stops, they stop if it dies, and it stops
 * (exit 1) if one of them ends.
 * A peer whose greeting is not ZMTP 3 NULL, or whose first frame is not a command of at most
 * 4,096 bytes (its READY), is closed. A peer that does not read its replies stops being read once
 * 1 MiB of them waits. tcp:// with a numeric IPv4 address only.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcp_endpoint.h"

#define GREETING 64
#define MAX_READY 4096
#define MAX_PENDING (1 << 20)
#define MAX_PROCESSES 16

enum stage { PEER_GREETING, READY_HEADER, READY_BODY, ECHO };

typedef struct {
  int fd;
  enum stage stage;
  unsigned char hs[GREETING]; /* the handshake bytes gathered so far (a greeting, then a frame header) */
  size_t have;
  uint64_t skip;         /* bytes of the peer's READY body still to pass over */
  unsigned char *out;    /* replies the socket had no room for, written before anything else */
  size_t out_len, out_cap;
} conn_t;

static volatile sig_atomic_t stopping, child_ended;

static void on_term(int sig) {
  (void)sig;
  stopping = 1;
}

/* Only the first process has children: one of them ending stops it (a flag, not a wait per turn). */
static void on_child(int sig) {
  (void)sig;
  child_ended = 1;
}

/* This side's greeting (version 3.0, NULL, as-server) and READY command naming a ROUTER socket. */
static size_t hello(unsigned char *out) {
  memset(out, 0, GREETING);
  out[0] = 0xFF;
  out[9] = 0x7F;
  out[10] = 3;
  memcpy(out + 12, "NULL", 4);
  out[32] = 1;
  unsigned char *r = out + GREETING;
  size_t b = 2;
  r[b++] = 5, memcpy(r + b, "READY", 5), b += 5;
  r[b++] = 11, memcpy(r + b, "Socket-Type", 11), b += 11;
  uint32_t vlen = htobe32(6);
  memcpy(r + b, &vlen, 4), b += 4;
  memcpy(r + b, "ROUTER", 6), b += 6;
  r[0] = 0x04; /* a short command frame */
  r[1] = (unsigned char)(b - 2);
  return GREETING + b;
}

static void drop(int ep, conn_t *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c->out);
  free(c);
}

/* Passes over the peer's greeting and READY in bytes[0..len); returns how many bytes it used up,
 * or -1 when the handshake is not one this server speaks. */
static ssize_t handshake(conn_t *c, const unsigned char *bytes, size_t len) {
  size_t used = 0;
  while (used < len && c->stage != ECHO) {
    if (c->stage == PEER_GREETING || c->stage == READY_HEADER) {
      /* a frame header: its flags first, which say whether the size takes 1 byte or 8 */
      size_t want = c->stage == PEER_GREETING ? GREETING : c->have == 0 ? 1 : (c->hs[0] & 0x02) ? 9 : 2;
      size_t take = want - c->have < len - used ? want - c->have : len - used;
      memcpy(c->hs + c->have, bytes + used, take);
      c->have += take;
      used += take;
      if (c->have < want) break;
      if (c->stage == READY_HEADER && c->have == 1) continue;
      if (c->stage == PEER_GREETING) {
        if (c->hs[0] != 0xFF || c->hs[9] != 0x7F || c->hs[10] < 3 || memcmp(c->hs + 12, "NULL", 5) != 0) return -1;
        c->stage = READY_HEADER;
      } else {
        uint64_t size = c->hs[1];
        if (c->hs[0] & 0x02) {
          memcpy(&size, c->hs + 1, 8);
          size = be64toh(size);
        }
        if (!(c->hs[0] & 0x04) || size > MAX_READY) return -1;
        c->skip = size;
        c->stage = size ? READY_BODY : ECHO;
      }
      c->have = 0;
    } else {
      size_t take = c->skip < len - used ? (size_t)c->skip : len - used;
      c->skip -= take;
      used += take;
      if (c->skip == 0) c->stage = ECHO;
    }
  }
  return (ssize_t)used;
}

/* Sends bytes back, keeping what the socket takes no more of; -1 when the connection failed. */
static int send_back(int ep, conn_t *c, const unsigned char *bytes, size_t len) {
  if (c->out_len == 0) {
    while (len > 0) {
      ssize_t k = send(c->fd, bytes, len, MSG_NOSIGNAL);
      if (k < 0 && errno == EINTR) continue;
      if (k < 0 && errno == EAGAIN) break;
      if (k < 0) return -1;
      bytes += k;
      len -= (size_t)k;
    }
  }
  if (len == 0) return 0;
  if (c->out_len + len > c->out_cap) {
    size_t cap = (c->out_len + len) * 2;
    unsigned char *grown = realloc(c->out, cap);
    if (!grown) return -1;
    c->out = grown, c->out_cap = cap;
  }
  memcpy(c->out + c->out_len, bytes, len);
  c->out_len += len;
  /* wait for room; stop reading a peer that lets its replies pile up */
  struct epoll_event ev = {.events = EPOLLOUT | (c->out_len < MAX_PENDING ? EPOLLIN : 0), .data.ptr = c};
  return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static int flush_pending(int ep, conn_t *c) {
  size_t done = 0;
  while (done < c->out_len) {
    ssize_t k = send(c->fd, c->out + done, c->out_len - done, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0 && errno == EAGAIN) break;
    if (k < 0) return -1;
    done += (size_t)k;
  }
  memmove(c->out, c->out + done, c->out_len - done);
  c->out_len -= done;
  struct epoll_event ev = {.events = EPOLLIN | (c->out_len ? EPOLLOUT : 0), .data.ptr = c};
  if (c->out_len >= MAX_PENDING) ev.events = EPOLLOUT;
  return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static int readable(int ep, conn_t *c) {
  static unsigned char buf[1 << 16];
  for (;;) {
    ssize_t n = read(c->fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return 0;
    if (n <= 0) return -1;
    ssize_t used = c->stage == ECHO ? 0 : handshake(c, buf, (size_t)n);
    if (used < 0) return -1;
    if (n > used && send_back(ep, c, buf + used, (size_t)(n - used)) != 0) return -1;
    if (n < (ssize_t)sizeof buf || c->out_len) return 0; /* drained, or waiting for room */
  }
}

/* A listening socket on sa; shared: one of several on the same port (SO_REUSEPORT). -1 on failure. */
static int listener(const struct sockaddr_in *sa, int shared) {
  int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  if (ls < 0) return -1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if ((shared && setsockopt(ls, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) ||
      bind(ls, (const struct sockaddr *)sa, sizeof *sa) != 0 || listen(ls, 1024) != 0) {
    close(ls);
    return -1;
  }
  return ls;
}

/* Parses "--max-seconds S" and "--processes N" after the endpoint; 0 on anything else. */
static int options(int argc, char **argv, double *max_seconds, int *processes) {
  for (int i = 2; i < argc; i += 2) {
    char *end;
    if (i + 1 >= argc) return 0;
    if (strcmp(argv[i], "--max-seconds") == 0) {
      *max_seconds = strtod(argv[i + 1], &end);
      if (*end != 0 || !(*max_seconds > 0)) return 0;
    } else if (strcmp(argv[i], "--processes") == 0) {
      long n = strtol(argv[i + 1], &end, 10);
      if (*end != 0 || n < 1 || n > MAX_PROCESSES) return 0;
      *processes = (int)n;
    } else {
      return 0;
    }
  }
  return 1;
}

int main(int argc, char **argv) {
  double max_seconds = 3600;
  int processes = 1;
  struct sockaddr_in sa;
  if (argc < 2 || !tcp_endpoint(argv[1], &sa) || !options(argc, argv, &max_seconds, &processes)) {
    fprintf(stderr, "usage: zmtp_echo tcp://A.B.C.D:PORT [--max-seconds S>0] [--processes 1..%d]\n", MAX_PROCESSES);
    return 2;
  }
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  signal(SIGCHLD, on_child);
  /* Every socket bound here, before any fork, so that a port in use fails the whole start. A
     socket bound without SO_REUSEPORT goes first: with it, a port that another process holds
     with SO_REUSEPORT would be joined, not refused. */
  int socks[MAX_PROCESSES];
  socks[0] = listener(&sa, 0);
  if (socks[0] >= 0 && processes > 1) {
    close(socks[0]);
    socks[0] = listener(&sa, 1);
  }
  for (int k = 1; k < processes && socks[0] >= 0; k++) {
    socks[k] = listener(&sa, 1);
    if (socks[k] < 0) socks[0] = -1;
  }
  if (socks[0] < 0) {
    fprintf(stderr, "zmtp_echo: cannot listen on %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  pid_t first = getpid(), kids[MAX_PROCESSES];
  int nkids = 0, ls = socks[0];
  for (int k = 1; k < processes; k++) {
    pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != first) return 0; /* the first process is already gone */
      ls = socks[k];
      nkids = 0;
      break;
    }
    if (pid < 0) {
      fprintf(stderr, "zmtp_echo: cannot start process %d: %s\n", k + 1, strerror(errno));
      for (int i = 0; i < nkids; i++) kill(kids[i], SIGTERM);
      return 1;
    }
    kids[nkids++] = pid;
  }
  for (int k = 0; k < processes; k++) {
    if (socks[k] != ls) close(socks[k]); /* a socket stays in the port's group while any copy is open */
  }
  int one = 1;
  unsigned char greeting[GREETING + 64];
  size_t greeting_len = hello(greeting);
  int ep = epoll_create1(0);
  struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &lev);
  if (getpid() == first) {
    printf("READY %s\n", argv[1]);
    fflush(stdout);
  }
  struct timespec t0, now;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  struct epoll_event evs[64];
  int status = 0;
  while (!stopping) {
    int n = epoll_wait(ep, evs, 64, 100); /* wakes every 100 ms without traffic to see the deadline */
    if (child_ended) {
      fprintf(stderr, "zmtp_echo: one of its processes ended; stopping all\n");
      status = 1;
      break;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9 > max_seconds) break;
    for (int i = 0; i < n; i++) {
      conn_t *c = evs[i].data.ptr;
      if (c == NULL) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        c = calloc(1, sizeof *c);
        if (c == NULL) {
          close(fd);
          continue;
        }
        c->fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0 || send_back(ep, c, greeting, greeting_len) != 0) drop(ep, c);
        continue;
      }
      int failed = 0;
      if (evs[i].events & EPOLLOUT) failed = flush_pending(ep, c) != 0;
      if (!failed && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && c->out_len < MAX_PENDING) failed = readable(ep, c) != 0;
      if (failed) drop(ep, c);
    }
  }
  close(ls);
  for (int i = 0; i < nkids; i++) kill(kids[i], SIGTERM);
  for (int i = 0; i < nkids; i++) waitpid(kids[i], NULL, 0);
  return status;
}
