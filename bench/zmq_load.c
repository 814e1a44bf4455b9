/*
 * The REQ mode of bench/zmq_load.py in C on libzmq, for loads where a Python generator is the
 * bottleneck: N REQ clients, each with one request outstanding at a time, polled by T threads
 * (clients spread round-robin over the threads, one libzmq context for all). Same requests, same
 * checks and the same one-line JSON result as zmq_load.py, so bench/run.py reads both alike.
 *
 *   gcc -O2 -o /tmp/zmq_load_c bench/zmq_load.c -lzmq -lpthread     (Debian: gcc libzmq3-dev)
 *   /tmp/zmq_load_c -e tcp://127.0.0.1:PORT --clients 16 --count 100000 \
 *       --address docs --body '{"op":"get","path":["k"]}'
 *   /tmp/zmq_load_c -e tcp://127.0.0.1:PYZDB --clients 16 --count 100000 --protocol pyzdb \
 *       --body '{"mode": "read", "index": ["k"], "func": null, "args": [], "kwargs": {}}'
 *
 * cbp: each request is the six CBP/1 frames "CBP1", "REQUEST", id, address, headers, body (with
 * --command PING: "CBP1", "PING", id and three empty frames, which the bridge answers itself); a reply
 * answers when its third frame is the request's id, and is an error when its second frame is ERROR
 * (counted under the "code" of its body). pyzdb: one frame, the body as given; any one-frame reply
 * answers, a JSON traceback string is an error (PYZDB_ERROR). The body is sent as given: check
 * that it is the JSON you mean (zmq_load.py does).
 *
 * --wire zmtp: the same REQ clients without libzmq. Each is a plain non-blocking TCP connection
 * that speaks ZMTP 3.0 itself (RFC 23: the greeting, the NULL mechanism's READY with Socket-Type
 * REQ, then each request as an empty delimiter frame and the frames above), and a thread waits on
 * its connections with epoll. libzmq gives each socket an I/O thread, so every message crosses
 * two threads inside the client; here a request is one write() and a reply one read(), which
 * leaves more of the machine to the server being measured. Any ZeroMQ ROUTER or REP server
 * accepts these clients as REQ peers. tcp:// endpoints with a numeric IPv4 host only.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "tcp_endpoint.h"

#define MAX_CODES 16
#define MAX_FRAMES 16

typedef struct {
  const char *endpoint, *address, *headers, *body, *label, *protocol, *wire, *command;
  int clients, threads, warmup;
  long count;
  double time_limit, request_timeout;
  struct sockaddr_in zmtp_peer; /* --wire zmtp: the endpoint's address */
} options_t;

typedef struct {
  char name[40];
  long n;
} code_t;

typedef struct {
  const options_t *opt;
  void *ctx;
  int first, stride; /* this thread's clients: first, first + stride, ... */
  pthread_barrier_t *start;
  int64_t *lat;
  long nlat, ok, errors, unanswered;
  code_t codes[MAX_CODES];
  int64_t t0, t1;
  int failed;
} worker_t;

/* calloc that ends the program, naming the size, when memory runs out. */
static void *need(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (p == NULL) {
    fprintf(stderr, "zmq_load_c: out of memory (%zu x %zu bytes)\n", n, size);
    exit(1);
  }
  return p;
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Adds n to the count of code `name` (len bytes) in w's table. */
static void add_code(worker_t *w, const char *name, size_t len, long n) {
  if (len >= sizeof w->codes[0].name) len = sizeof w->codes[0].name - 1;
  for (int i = 0; i < MAX_CODES; i++) {
    if (w->codes[i].n == 0) {
      memcpy(w->codes[i].name, name, len);
      w->codes[i].name[len] = 0;
      w->codes[i].n = n;
      return;
    }
    if (strlen(w->codes[i].name) == len && memcmp(w->codes[i].name, name, len) == 0) {
      w->codes[i].n += n;
      return;
    }
  }
  /* table full: the last slot counts every further code as OTHER */
  snprintf(w->codes[MAX_CODES - 1].name, sizeof w->codes[0].name, "OTHER");
  w->codes[MAX_CODES - 1].n += n;
}

static void count_code(worker_t *w, const char *name, size_t len) {
  add_code(w, name, len, 1);
}

/* The "code" of a CBP/1 error body ({"code":"X",...}), or ERROR when there is none. */
static void count_error_body(worker_t *w, const char *body, size_t len) {
  const char *key = "\"code\":\"";
  size_t k = strlen(key);
  for (size_t i = 0; i + k < len; i++) {
    if (memcmp(body + i, key, k) == 0) {
      size_t s = i + k, e = s;
      while (e < len && body[e] != '"') e++;
      count_code(w, body + s, e - s);
      return;
    }
  }
  count_code(w, "ERROR", 5);
}

/* True when the reply's n frames (after the REQ envelope) answer request `ident` without an
 * error; counts what is wrong otherwise. `w` null: the warm-up, whose errors are not counted. */
static int check_reply(worker_t *w, const unsigned char **data, const size_t *size, int n, uint32_t ident,
                       int pyzdb) {
  if (pyzdb) {
    const char *tb = "\"Traceback (most recent call last):";
    int good = n == 1 && !(size[0] >= strlen(tb) && memcmp(data[0], tb, strlen(tb)) == 0);
    if (!good && w) count_code(w, n == 1 ? "PYZDB_ERROR" : "BAD_REPLY", n == 1 ? 11 : 9);
    return good;
  }
  uint32_t be = htobe32(ident);
  if (n < 3 || size[2] != 4 || memcmp(data[2], &be, 4) != 0) {
    if (w) count_code(w, "BAD_REPLY", 9);
    return 0;
  }
  if (size[1] == 5 && memcmp(data[1], "ERROR", 5) == 0) {
    if (w) count_error_body(w, (const char *)data[n - 1], size[n - 1]);
    return 0;
  }
  return 1;
}

/* Receives one whole reply from a libzmq socket and checks it (check_reply). */
static int receive_reply(worker_t *w, void *sock, uint32_t ident, int pyzdb) {
  zmq_msg_t frames[MAX_FRAMES];
  const unsigned char *data[MAX_FRAMES];
  size_t size[MAX_FRAMES];
  int n = 0, more = 1;
  while (more) {
    zmq_msg_t extra, *m = n < MAX_FRAMES ? &frames[n] : &extra; /* frames past the table: read and dropped */
    zmq_msg_init(m);
    if (zmq_msg_recv(m, sock, 0) < 0) {
      zmq_msg_close(m);
      break;
    }
    more = zmq_msg_more(m);
    if (m == &extra) {
      zmq_msg_close(m);
    } else {
      data[n] = zmq_msg_data(m);
      size[n] = zmq_msg_size(m);
      n++;
    }
  }
  int good = check_reply(w, data, size, n, ident, pyzdb);
  for (int i = 0; i < n; i++) zmq_msg_close(&frames[i]);
  return good;
}

static int send_request(const options_t *o, void *sock, uint32_t ident) {
  if (strcmp(o->protocol, "pyzdb") == 0) return zmq_send(sock, o->body, strlen(o->body), 0) < 0 ? -1 : 0;
  uint32_t be = htobe32(ident);
  if (zmq_send(sock, "CBP1", 4, ZMQ_SNDMORE) < 0 || zmq_send(sock, o->command, strlen(o->command), ZMQ_SNDMORE) < 0 ||
      zmq_send(sock, &be, 4, ZMQ_SNDMORE) < 0 || zmq_send(sock, o->address, strlen(o->address), ZMQ_SNDMORE) < 0 ||
      zmq_send(sock, o->headers, strlen(o->headers), ZMQ_SNDMORE) < 0 ||
      zmq_send(sock, o->body, strlen(o->body), 0) < 0)
    return -1;
  return 0;
}

/*
 * Runs each socket sequentially until it has sent its share: one poll over all of them, a new
 * request on a socket as soon as its reply is in. Records latencies when `lat` is not null.
 * Returns how many sockets were left waiting (no reply within the request timeout, or past the
 * deadline): a REQ socket that lost a reply cannot send again.
 */
static long run(worker_t *w, void **socks, long *left, int n, int64_t deadline, int record) {
  const options_t *o = w->opt;
  int pyzdb = strcmp(o->protocol, "pyzdb") == 0;
  zmq_pollitem_t *items = need(n, sizeof *items);
  int64_t *sent_at = need(n, sizeof *sent_at);
  uint32_t *seq = need(n, sizeof *seq);
  int *index = need(n, sizeof *index);
  int active = 0;
  long timeout_ms = (long)(o->request_timeout * 1000);
  for (int i = 0; i < n; i++) {
    if (left[i] <= 0) continue;
    left[i]--;
    sent_at[i] = now_ns();
    if (send_request(o, socks[i], seq[i]) < 0) {
      w->failed = 1;
      continue;
    }
    items[active].socket = socks[i];
    items[active].events = ZMQ_POLLIN;
    index[active++] = i;
  }
  long stranded = 0;
  while (active > 0) {
    if (now_ns() >= deadline) {
      stranded = active;
      break;
    }
    int r = zmq_poll(items, active, timeout_ms);
    if (r <= 0) {
      stranded = active; /* nothing answered within the request timeout */
      break;
    }
    for (int k = 0; k < active; k++) {
      if (!(items[k].revents & ZMQ_POLLIN)) continue;
      int i = index[k];
      int good = receive_reply(record ? w : NULL, socks[i], seq[i], pyzdb);
      int64_t t = now_ns();
      if (record) w->lat[w->nlat++] = t - sent_at[i];
      if (record) {
        if (good) w->ok++;
        else w->errors++;
      }
      seq[i]++;
      if (left[i] > 0) {
        left[i]--;
        sent_at[i] = now_ns();
        if (send_request(o, socks[i], seq[i]) == 0) continue;
        w->failed = 1;
      }
      /* done (or cannot send): drop it from the poll set, keep the order of the others */
      active--;
      items[k] = items[active];
      index[k] = index[active];
      k--;
    }
  }
  free(items);
  free(sent_at);
  free(seq);
  free(index);
  return stranded;
}

static long share_of(const options_t *o, int client) {
  return o->count / o->clients + (client < o->count % o->clients ? 1 : 0);
}

/*
 * A worker's two phases, whatever its clients speak: each client sends --warmup requests (not
 * recorded), all threads wait for each other, then each client sends its share of --count.
 * set_left gives client k its number of requests; go runs them and returns how many went unanswered.
 */
static void run_phases(worker_t *w, int n, void *clients, void (*set_left)(void *, int, long),
                       long (*go)(worker_t *, void *, int, int64_t, int)) {
  const options_t *o = w->opt;
  int64_t limit_ns = (int64_t)(o->time_limit * 1e9);
  long stranded = 0;
  if (o->warmup > 0 && !w->failed) {
    for (int k = 0; k < n; k++) set_left(clients, k, o->warmup);
    stranded = go(w, clients, n, now_ns() + limit_ns, 0);
  }
  pthread_barrier_wait(w->start);
  w->t0 = now_ns();
  if (stranded > 0 || w->failed) {
    count_code(w, "WARMUP_UNANSWERED", 17);
  } else {
    for (int k = 0, c = w->first; c < o->clients; c += w->stride, k++) set_left(clients, k, share_of(o, c));
    w->unanswered = go(w, clients, n, now_ns() + limit_ns, 1);
  }
  w->t1 = now_ns();
}

typedef struct {
  void **socks;
  long *left;
} libzmq_clients_t;

static void libzmq_set_left(void *clients, int k, long left) {
  ((libzmq_clients_t *)clients)->left[k] = left;
}

static long libzmq_go(worker_t *w, void *clients, int n, int64_t deadline, int record) {
  libzmq_clients_t *c = clients;
  return run(w, c->socks, c->left, n, deadline, record);
}

/* ---- --wire zmtp: REQ clients that speak ZMTP 3.0 themselves on plain TCP connections ---- */

#define ZMTP_MORE 0x01
#define ZMTP_LONG 0x02
#define ZMTP_COMMAND 0x04
#define ZMTP_MAX_FRAME (64L << 20) /* a reply frame declared larger than this is malformed here */

typedef struct {
  int fd;
  unsigned char *req; /* one request's bytes, envelope and frames; the id frame is patched per request */
  size_t req_len, id_at;
  unsigned char *in; /* bytes read and not yet parsed */
  size_t in_len, in_cap;
  long left;
  uint32_t seq;
  int64_t sent_at;
  int waiting; /* a request is out */
} zconn_t;

/* Writes one frame (RFC 23: flags, then a 1-byte size, or 8 bytes with LONG) at out; returns its length. */
static size_t put_frame(unsigned char *out, const void *data, size_t len, int flags) {
  size_t h = 2;
  if (len > 255) {
    uint64_t be = htobe64(len);
    out[0] = (unsigned char)(flags | ZMTP_LONG);
    memcpy(out + 1, &be, 8);
    h = 9;
  } else {
    out[0] = (unsigned char)flags;
    out[1] = (unsigned char)len;
  }
  if (len) memcpy(out + h, data, len);
  return h + len;
}

/* Writes all of buf, waiting for room when a non-blocking socket has none; -1 when the connection fails. */
static int write_all(int fd, const unsigned char *buf, size_t len) {
  while (len > 0) {
    ssize_t k = send(fd, buf, len, MSG_NOSIGNAL); /* a peer that closed is an error here, not a SIGPIPE */
    if (k < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) return -1;
      struct pollfd p = {.fd = fd, .events = POLLOUT};
      if (poll(&p, 1, 5000) <= 0) return -1;
      continue;
    }
    buf += k;
    len -= (size_t)k;
  }
  return 0;
}

/* Reads exactly len bytes from a blocking socket; -1 on EOF, error or the socket's receive timeout. */
static int read_exactly(int fd, unsigned char *buf, size_t len) {
  while (len > 0) {
    ssize_t k = read(fd, buf, len);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    buf += k;
    len -= (size_t)k;
  }
  return 0;
}

/* Connects c to tcp://A.B.C.D:PORT and does the ZMTP 3.0 NULL handshake as a REQ socket: both
 * greetings, then this side's READY (the peer's READY is read as a command with the replies).
 * Leaves the socket non-blocking. Prints why and returns -1 when it cannot. */
static int zmtp_connect(const options_t *o, zconn_t *c) {
  const char *ep = o->endpoint;
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct timeval tv = {.tv_sec = (time_t)o->request_timeout,
                       .tv_usec = (suseconds_t)((o->request_timeout - (time_t)o->request_timeout) * 1e6)};
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  unsigned char greeting[64] = {0}, peer[64], ready[64], body[32];
  greeting[0] = 0xFF; /* signature: 0xFF, 8 bytes of padding, 0x7F */
  greeting[9] = 0x7F;
  greeting[10] = 3; /* version 3.0 */
  memcpy(greeting + 12, "NULL", 4); /* mechanism; as-server 0 and the filler stay zero */
  size_t b = 0;
  body[b++] = 5;
  memcpy(body + b, "READY", 5), b += 5;
  body[b++] = 11;
  memcpy(body + b, "Socket-Type", 11), b += 11;
  uint32_t vlen = htobe32(3);
  memcpy(body + b, &vlen, 4), b += 4;
  memcpy(body + b, "REQ", 3), b += 3;
  size_t rl = put_frame(ready, body, b, ZMTP_COMMAND);
  if (connect(fd, (const struct sockaddr *)&o->zmtp_peer, sizeof o->zmtp_peer) != 0 || write_all(fd, greeting, 64) != 0 ||
      read_exactly(fd, peer, 64) != 0) {
    fprintf(stderr, "zmq_load_c: cannot connect to %s: %s\n", ep, strerror(errno));
    close(fd);
    return -1;
  }
  if (peer[0] != 0xFF || peer[9] != 0x7F || peer[10] < 3 || memcmp(peer + 12, "NULL\0", 5) != 0) {
    fprintf(stderr, "zmq_load_c: %s did not answer with a ZMTP 3 NULL greeting\n", ep);
    close(fd);
    return -1;
  }
  if (write_all(fd, ready, rl) != 0) {
    fprintf(stderr, "zmq_load_c: %s closed during the handshake\n", ep);
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  c->fd = fd;
  return 0;
}

/* The request's bytes for c: the REQ envelope (an empty frame), then the frames send_request sends. */
static void zmtp_request(const options_t *o, zconn_t *c, int pyzdb) {
  size_t cap = 8 * 9 + strlen(o->body) + strlen(o->address) + strlen(o->headers) + strlen(o->command) + 16, n;
  uint32_t zero = 0;
  c->req = need(cap, 1);
  n = put_frame(c->req, NULL, 0, ZMTP_MORE);
  if (pyzdb) {
    n += put_frame(c->req + n, o->body, strlen(o->body), 0);
  } else {
    n += put_frame(c->req + n, "CBP1", 4, ZMTP_MORE);
    n += put_frame(c->req + n, o->command, strlen(o->command), ZMTP_MORE);
    c->id_at = n + 2;
    n += put_frame(c->req + n, &zero, 4, ZMTP_MORE);
    n += put_frame(c->req + n, o->address, strlen(o->address), ZMTP_MORE);
    n += put_frame(c->req + n, o->headers, strlen(o->headers), ZMTP_MORE);
    n += put_frame(c->req + n, o->body, strlen(o->body), 0);
  }
  c->req_len = n;
}

static int zmtp_send(worker_t *w, zconn_t *c, int pyzdb) {
  if (!pyzdb) {
    uint32_t be = htobe32(c->seq);
    memcpy(c->req + c->id_at, &be, 4);
  }
  c->left--;
  c->sent_at = now_ns();
  c->waiting = 1;
  if (write_all(c->fd, c->req, c->req_len) == 0) return 0;
  w->failed = 1;
  c->waiting = 0;
  return -1;
}

/* The length of the first whole message in c->in, commands before it included (skipped), with its
 * frames in data/size; 0 while it is incomplete, -1 when a frame is larger than ZMTP_MAX_FRAME. */
static long zmtp_message(const zconn_t *c, const unsigned char **data, size_t *size, int *n) {
  size_t p = 0;
  *n = 0;
  for (;;) {
    if (c->in_len - p < 2) return 0;
    unsigned char flags = c->in[p];
    size_t h = 2;
    uint64_t len = c->in[p + 1];
    if (flags & ZMTP_LONG) {
      if (c->in_len - p < 9) return 0;
      memcpy(&len, c->in + p + 1, 8);
      len = be64toh(len);
      h = 9;
    }
    if (len > (uint64_t)ZMTP_MAX_FRAME) return -1;
    if (len > c->in_len - p - h) return 0;
    const unsigned char *d = c->in + p + h;
    p += h + (size_t)len;
    if (flags & ZMTP_COMMAND) continue; /* READY, or a PING this client need not answer */
    if (*n < MAX_FRAMES) {
      data[*n] = d;
      size[*n] = (size_t)len;
      (*n)++;
    }
    if (!(flags & ZMTP_MORE)) return (long)p;
  }
}

/* Reads what c has; returns -1 when the connection closed or failed. */
static int zmtp_read(zconn_t *c) {
  for (;;) {
    if (c->in_cap - c->in_len < 4096) {
      c->in_cap = c->in_cap ? c->in_cap * 2 : 16384;
      c->in = realloc(c->in, c->in_cap);
      if (c->in == NULL) {
        fprintf(stderr, "zmq_load_c: out of memory reading a reply\n");
        exit(1);
      }
    }
    ssize_t k = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
    if (k > 0) {
      c->in_len += (size_t)k;
      continue;
    }
    if (k < 0 && errno == EINTR) continue;
    if (k < 0 && errno == EAGAIN) return 0;
    return -1;
  }
}

/* run() for --wire zmtp: the connections of this thread, waited on with epoll. A connection that
 * closes or sends a malformed frame is dropped, its request in flight counted as unanswered. */
static long run_zmtp(worker_t *w, zconn_t *conns, int n, int ep, int64_t deadline, int record) {
  const options_t *o = w->opt;
  int pyzdb = strcmp(o->protocol, "pyzdb") == 0, active = 0;
  long dropped = 0;
  int timeout_ms = (int)(o->request_timeout * 1000);
  struct epoll_event events[64];
  for (int i = 0; i < n; i++) {
    if (conns[i].fd >= 0 && conns[i].left > 0 && zmtp_send(w, &conns[i], pyzdb) == 0) active++;
  }
  while (active > 0) {
    if (now_ns() >= deadline) return active + dropped;
    int ready = epoll_wait(ep, events, 64, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return active + dropped; /* nothing answered within the request timeout */
    for (int e = 0; e < ready; e++) {
      zconn_t *c = events[e].data.ptr;
      int closed = zmtp_read(c) != 0;
      const unsigned char *data[MAX_FRAMES];
      size_t size[MAX_FRAMES];
      int frames;
      long used;
      while ((used = zmtp_message(c, data, size, &frames)) > 0) {
        int good = c->waiting && frames >= 1 && size[0] == 0 &&
                   check_reply(record ? w : NULL, data + 1, size + 1, frames - 1, c->seq, pyzdb);
        if (record && !(c->waiting && frames >= 1 && size[0] == 0)) count_code(w, "BAD_REPLY", 9);
        int64_t t = now_ns();
        if (c->waiting) {
          if (record) {
            w->lat[w->nlat++] = t - c->sent_at;
            if (good) w->ok++;
            else w->errors++;
          }
          c->waiting = 0;
          c->seq++;
          if (c->left <= 0 || zmtp_send(w, c, pyzdb) != 0) active--;
        }
        memmove(c->in, c->in + used, c->in_len - (size_t)used);
        c->in_len -= (size_t)used;
      }
      if (used < 0 || closed) {
        if (record) count_code(w, used < 0 ? "BAD_FRAME" : "CLOSED", used < 0 ? 9 : 6);
        w->failed = 1;
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        if (c->waiting) {
          active--;
          dropped++;
        }
        c->waiting = 0;
        c->left = 0;
      }
    }
  }
  return dropped;
}

typedef struct {
  zconn_t *conns;
  int ep;
} zmtp_clients_t;

static void zmtp_set_left(void *clients, int k, long left) {
  ((zmtp_clients_t *)clients)->conns[k].left = left;
}

static long zmtp_go(worker_t *w, void *clients, int n, int64_t deadline, int record) {
  zmtp_clients_t *c = clients;
  return run_zmtp(w, c->conns, n, c->ep, deadline, record);
}

static void *worker_main_zmtp(worker_t *w) {
  const options_t *o = w->opt;
  int pyzdb = strcmp(o->protocol, "pyzdb") == 0, n = 0;
  for (int c = w->first; c < o->clients; c += w->stride) n++;
  zconn_t *conns = need(n, sizeof *conns);
  int ep = epoll_create1(0);
  long share = 0;
  for (int k = 0, c = w->first; c < o->clients; c += w->stride, k++) {
    conns[k].fd = -1;
    zmtp_request(o, &conns[k], pyzdb);
    if (zmtp_connect(o, &conns[k]) != 0) {
      w->failed = 1;
    } else {
      struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[k]};
      epoll_ctl(ep, EPOLL_CTL_ADD, conns[k].fd, &ev);
    }
    share += share_of(o, c);
  }
  w->lat = need(share + 1, sizeof *w->lat);
  zmtp_clients_t clients = {conns, ep};
  run_phases(w, n, &clients, zmtp_set_left, zmtp_go);
  for (int k = 0; k < n; k++) {
    if (conns[k].fd >= 0) close(conns[k].fd);
    free(conns[k].req);
    free(conns[k].in);
  }
  close(ep);
  free(conns);
  return NULL;
}

static void *worker_main(void *arg) {
  worker_t *w = arg;
  const options_t *o = w->opt;
  if (strcmp(o->wire, "zmtp") == 0) return worker_main_zmtp(w);
  int n = 0;
  for (int c = w->first; c < o->clients; c += w->stride) n++;
  void **socks = need(n, sizeof *socks);
  long *left = need(n, sizeof *left);
  long share = 0;
  int linger = 0, timeout = (int)(o->request_timeout * 1000);
  for (int k = 0, c = w->first; c < o->clients; c += w->stride, k++) {
    socks[k] = zmq_socket(w->ctx, ZMQ_REQ);
    zmq_setsockopt(socks[k], ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(socks[k], ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    if (zmq_connect(socks[k], o->endpoint) != 0) {
      fprintf(stderr, "zmq_load_c: cannot connect to %s: %s\n", o->endpoint, zmq_strerror(errno));
      w->failed = 1;
    }
    share += share_of(o, c);
  }
  w->lat = need(share + 1, sizeof *w->lat);
  libzmq_clients_t clients = {socks, left};
  run_phases(w, n, &clients, libzmq_set_left, libzmq_go);
  for (int k = 0; k < n; k++) zmq_close(socks[k]);
  free(socks);
  free(left);
  return NULL;
}

static int compare(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static double percentile_us(const int64_t *sorted, long n, double q) {
  if (n == 0) return -1;
  long k = (long)(q * n + 0.999999999) - 1; /* nearest rank, as zmq_load.py */
  if (k < 0) k = 0;
  return sorted[k] / 1000.0;
}

static void print_us(const char *name, double v) {
  if (v < 0) printf(", \"%s\": null", name);
  else printf(", \"%s\": %.1f", name, v);
}

/* JSON string of s; labels and addresses from the command line are plain, but quote them right. */
static void print_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') printf("\\%c", *s);
    else if ((unsigned char)*s < 0x20) printf("\\u%04x", *s);
    else putchar(*s);
  }
  putchar('"');
}

static void usage(const char *why) {
  fprintf(stderr,
          "zmq_load_c: %s\nusage: zmq_load_c -e ENDPOINT [--clients N] [--threads T] [--count N] [--warmup N]\n"
          "  [--time-limit S] [--request-timeout S] [--protocol cbp|pyzdb] [--address A] [--headers JSON]\n"
          "  [--body JSON] [--label L] [--wire libzmq|zmtp] [--command REQUEST|PING]\n",
          why);
  exit(2);
}

int main(int argc, char **argv) {
  options_t o = {.endpoint = NULL, .address = "echo", .headers = "", .body = NULL, .label = "", .protocol = "cbp", .wire = "libzmq", .command = "REQUEST",
                 .clients = 1, .threads = 1, .warmup = 1000, .count = 10000, .time_limit = 60, .request_timeout = 5};
  static struct option longs[] = {{"endpoint", 1, 0, 'e'},   {"clients", 1, 0, 'c'},  {"threads", 1, 0, 't'},
                                  {"count", 1, 0, 'n'},      {"warmup", 1, 0, 'w'},   {"time-limit", 1, 0, 'l'},
                                  {"request-timeout", 1, 0, 'r'}, {"protocol", 1, 0, 'p'}, {"address", 1, 0, 'a'},
                                  {"headers", 1, 0, 'H'},    {"body", 1, 0, 'b'},     {"label", 1, 0, 'L'},
                                  {"wire", 1, 0, 'W'},       {"command", 1, 0, 'C'},
                                  {0, 0, 0, 0}};
  int ch, address_given = 0, headers_given = 0;
  while ((ch = getopt_long(argc, argv, "e:", longs, NULL)) != -1) {
    switch (ch) {
      case 'e': o.endpoint = optarg; break;
      case 'c': o.clients = atoi(optarg); break;
      case 't': o.threads = atoi(optarg); break;
      case 'n': o.count = atol(optarg); break;
      case 'w': o.warmup = atoi(optarg); break;
      case 'l': o.time_limit = atof(optarg); break;
      case 'r': o.request_timeout = atof(optarg); break;
      case 'p': o.protocol = optarg; break;
      case 'a': o.address = optarg; address_given = 1; break;
      case 'H': o.headers = optarg; headers_given = 1; break;
      case 'b': o.body = optarg; break;
      case 'L': o.label = optarg; break;
      case 'W': o.wire = optarg; break;
      case 'C': o.command = optarg; break;
      default: usage("unknown option");
    }
  }
  if (o.endpoint == NULL) usage("-e ENDPOINT is required");
  if (o.clients < 1 || o.count < o.clients) usage("need --clients >= 1 and --count >= --clients");
  if (o.threads < 1 || o.threads > o.clients) usage("--threads must be between 1 and --clients");
  if (o.warmup < 0 || o.time_limit <= 0 || o.request_timeout <= 0) usage("--warmup, --time-limit, --request-timeout");
  int pyzdb = strcmp(o.protocol, "pyzdb") == 0;
  if (!pyzdb && strcmp(o.protocol, "cbp") != 0) usage("--protocol is cbp or pyzdb");
  if (strcmp(o.wire, "libzmq") != 0 && strcmp(o.wire, "zmtp") != 0) usage("--wire is libzmq or zmtp");
  if (strcmp(o.wire, "zmtp") == 0 && !tcp_endpoint(o.endpoint, &o.zmtp_peer))
    usage("--wire zmtp needs -e tcp://A.B.C.D:PORT (a numeric IPv4 address)");
  if (strcmp(o.command, "PING") == 0) {
    /* a PING has no address and no body; the bridge answers it at the door, so it measures the
       transport alone (docs/protocol.md) */
    if (pyzdb || address_given || headers_given || o.body != NULL)
      usage("--command PING takes no --address, --headers, --body or --protocol pyzdb");
    o.address = "";
    o.body = "";
  } else if (strcmp(o.command, "REQUEST") != 0) {
    usage("--command is REQUEST or PING");
  }
  char defbody[128];
  if (o.body == NULL) {
    if (pyzdb) usage("--protocol pyzdb needs --body, a JSON object with \"mode\"");
    /* a JSON string of 100 bytes, as zmq_load.py's default --size */
    memset(defbody, 'x', 100);
    defbody[0] = defbody[99] = '"';
    defbody[100] = 0;
    o.body = defbody;
  }
  if (pyzdb && strstr(o.body, "\"mode\"") == NULL) usage("--protocol pyzdb needs a body with \"mode\"");

  void *ctx = zmq_ctx_new();
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, o.threads);
  worker_t *ws = need(o.threads, sizeof *ws);
  pthread_t *tids = need(o.threads, sizeof *tids);
  for (int t = 0; t < o.threads; t++) {
    ws[t] = (worker_t){.opt = &o, .ctx = ctx, .first = t, .stride = o.threads, .start = &start};
    pthread_create(&tids[t], NULL, worker_main, &ws[t]);
  }
  long total = 0, ok = 0, errors = 0, unanswered = 0;
  int failed = 0;
  int64_t t0 = INT64_MAX, t1 = 0;
  for (int t = 0; t < o.threads; t++) {
    pthread_join(tids[t], NULL);
    total += ws[t].nlat;
    ok += ws[t].ok;
    errors += ws[t].errors;
    unanswered += ws[t].unanswered;
    failed |= ws[t].failed;
    if (ws[t].t0 < t0) t0 = ws[t].t0;
    if (ws[t].t1 > t1) t1 = ws[t].t1;
  }
  int64_t *lat = need(total + 1, sizeof *lat);
  long m = 0;
  for (int t = 0; t < o.threads; t++) {
    memcpy(lat + m, ws[t].lat, ws[t].nlat * sizeof *lat);
    m += ws[t].nlat;
  }
  qsort(lat, total, sizeof *lat, compare);
  double elapsed = (t1 - t0) / 1e9;

  printf("{\"label\": ");
  print_string(o.label);
  printf(", \"endpoint\": ");
  print_string(o.endpoint);
  printf(", \"generator\": \"%s\", \"mode\": \"req\",", strcmp(o.wire, "zmtp") == 0 ? "c-zmtp" : "c");
  printf(" \"clients\": %d, \"window\": 1, \"address\": ", o.clients);
  if (pyzdb) printf("null");
  else print_string(o.address);
  printf(", \"body_bytes\": %zu, \"count\": %ld, \"warmup_per_client\": %d, \"ok\": %ld, \"errors\": %ld, "
         "\"error_codes\": {",
         strlen(o.body), o.count, o.warmup, ok, errors);
  worker_t all = {0}; /* every thread's codes, merged by name */
  for (int t = 0; t < o.threads; t++)
    for (int i = 0; i < MAX_CODES && ws[t].codes[i].n > 0; i++)
      add_code(&all, ws[t].codes[i].name, strlen(ws[t].codes[i].name), ws[t].codes[i].n);
  for (int i = 0; i < MAX_CODES && all.codes[i].n > 0; i++) {
    printf("%s", i == 0 ? "" : ", ");
    print_string(all.codes[i].name);
    printf(": %ld", all.codes[i].n);
  }
  printf("}, \"unanswered\": %ld, \"processes\": 1, \"threads\": %d, \"clients_reported\": %d, \"elapsed_s\": %.3f, "
         "\"req_s\": %.1f",
         unanswered, o.threads, o.clients, elapsed, elapsed > 0 ? ok / elapsed : 0.0);
  print_us("p50_us", percentile_us(lat, total, 0.50));
  print_us("p99_us", percentile_us(lat, total, 0.99));
  print_us("p999_us", percentile_us(lat, total, 0.999));
  print_us("max_us", total ? lat[total - 1] / 1000.0 : -1);
  if (pyzdb) printf(", \"protocol\": \"pyzdb\"");
  if (strcmp(o.command, "REQUEST") != 0) printf(", \"command\": \"%s\"", o.command);
  printf("}\n");
  fflush(stdout);
  for (int t = 0; t < o.threads; t++) free(ws[t].lat);
  free(lat);
  free(ws);
  free(tids);
  zmq_ctx_term(ctx);
  return failed ? 1 : 0;
}
