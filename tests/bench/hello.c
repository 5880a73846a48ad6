/* hello.c — the FastCGI hello-world worker `make bench` (tests/bench/http.sh) compares Marquee's
 * workers with: the cheapest possible answer through the same libfcgi calls and the same kind of
 * socket, so each endpoint's figure reads as a share of what nginx + FastCGI can do at all here.
 *
 *   bench-hello SOCKET [THREADS]
 *
 * Listens on the unix socket SOCKET (removed first if stale) with THREADS threads (default 4, as
 * the workers' WORKER_THREADS) and answers every request 200 {"status":"ok"}. Accepts are
 * serialised by a mutex, as libfcgi's examples/threaded.c does. It has no clean shutdown: the
 * bench stops it with SIGTERM, whose default action ends the process mid-request if need be
 * (FCGX_Init catches SIGTERM only to flag a shutdown that a thread blocked in accept() never
 * sees, so the default action is put back).
 */
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_THREADS 64

static const char reply[] =
	"Status: 200 OK\r\n"
	"Content-Type: application/json\r\n"
	"Content-Length: 15\r\n"
	"\r\n"
	"{\"status\":\"ok\"}";

static pthread_mutex_t accept_lock = PTHREAD_MUTEX_INITIALIZER;
static int listen_fd = -1;

static void *serve(void *unused)
{
	(void)unused;
	FCGX_Request r;
	if (FCGX_InitRequest(&r, listen_fd, 0) != 0)
		return NULL;
	for (;;) {
		pthread_mutex_lock(&accept_lock);
		int rc = FCGX_Accept_r(&r);
		pthread_mutex_unlock(&accept_lock);
		if (rc < 0)
			continue; /* a client that went away before its request arrived */
		FCGX_PutStr(reply, (int)(sizeof reply - 1), r.out);
		FCGX_Finish_r(&r);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s SOCKET [THREADS]\n", argv[0]);
		return 2;
	}
	long threads = 4;
	if (argc == 3) {
		char *end;
		threads = strtol(argv[2], &end, 10);
		if (*argv[2] == '\0' || *end != '\0' || threads < 1 || threads > MAX_THREADS) {
			fprintf(stderr, "%s: THREADS must be 1-%d\n", argv[0], MAX_THREADS);
			return 2;
		}
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "%s: FCGX_Init failed\n", argv[0]);
		return 1;
	}
	signal(SIGTERM, SIG_DFL);
	unlink(argv[1]);
	mode_t old = umask(0117); /* srw-rw----, as the workers' sockets */
	listen_fd = FCGX_OpenSocket(argv[1], 128);
	umask(old);
	if (listen_fd < 0) {
		fprintf(stderr, "%s: cannot listen on %s\n", argv[0], argv[1]);
		return 1;
	}
	pthread_t tid[MAX_THREADS];
	for (long i = 1; i < threads; i++) {
		if (pthread_create(&tid[i], NULL, serve, NULL) != 0) {
			fprintf(stderr, "%s: cannot start thread %ld\n", argv[0], i);
			return 1;
		}
	}
	serve(NULL); /* the main thread is the first of THREADS */
	return 0;
}
