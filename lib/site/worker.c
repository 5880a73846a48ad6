/* worker.c — FastCGI thread pool, CGI mode, signals and per-request lifecycle (see worker.h).
 *
 * Why poll() before FCGX_Accept_r: libfcgi's FCGX_ShutdownPending() makes every later read and
 * write fail, which would cut off requests in flight, and a signal aimed at a thread blocked in
 * accept() may instead land while it reads a request. So the listening socket is non-blocking,
 * each thread polls it together with a stop pipe (written once on stop, so idle threads never
 * wake for nothing) and checks the stop flag, and an accept that loses the race to another thread
 * just returns -EAGAIN. Accepted connections are blocking (Linux
 * accept() does not inherit O_NONBLOCK).
 *
 * One more wait hides inside FCGX_Accept_r: for a unix-socket connection, libfcgi polls up to
 * two seconds for its first bytes. So on stop, the main thread wakes the threads that are inside
 * FCGX_Accept_r with SIGUSR1, whose handler is installed with SA_RESTART: poll() returns EINTR
 * (Linux never restarts it) and libfcgi drops that silent connection, while read() and write()
 * of a real request are restarted, not failed.
 *
 * With --respawn the process that holds the listening socket only supervises: it runs the worker
 * in a child and starts another when that one dies, as systemd's Restart= does in production.
 * Connections that arrive in the gap wait in the socket's backlog for the new child.
 */
#include "site/worker.h"
#include "core/log.h"
#include "core/messages.h"
#include "core/mem.h"
#include "core/template.h"
#include "domain/cards.h"
#include "site/page.h"
#include "store/db.h"
#include "store/metrics.h"
#include "web/response.h"
#include "web/valid.h"

#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static atomic_int stopping;
static int stop_pipe[2] = { -1, -1 }; /* written once on stop: wakes every idle thread's poll */
static mq_ctx worker_ctx;
static mq_config worker_cfg;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t body_cap(const mq_app *app)
{
	return app->max_body ? app->max_body : 256 * 1024;
}

void mq_worker_handle(const mq_app *app, mq_req *req, mq_res *res, mq_buf *out)
{
	if (!req->request_id) {
		static atomic_ulong counter;
		req->request_id = mq_arena_printf(req->arena, "%s-%d-%lu", app->name, (int)getpid(),
						  atomic_fetch_add(&counter, 1) + 1);
	}
	if (res->status == 200 && res->body.len == 0)
		mq_dispatch(app, req, res); /* else: the reader already answered (413, 400); a method no route
					     * has (0: unknown) is a 405 with the path's Allow there */
	mq_res_serialize(req, res, out);
}

/* Checks the declared body size before reading it. Returns 0, or an error status already
 * written into res. */
static int check_content_length(const mq_app *app, mq_req *req, mq_res *res, size_t *len)
{
	const char *cl = mq_req_param(req, "CONTENT_LENGTH");
	long long n = 0;
	*len = 0;
	/* nginx's internal error location passes no body, whatever Content-Length says */
	if (!cl || !*cl || mq_req_param(req, "MQ_ERROR_STATUS"))
		return 0;
	if (mq_parse_int(cl, 0, 1LL << 40, &n)) {
		mq_req_error(req, "Content-Length is not a number");
		mq_reply_status(req, res, 400, "Bad request");
		return -1;
	}
	if ((size_t)n > body_cap(app)) {
		mq_req_error(req, "the request body may be at most %zu bytes", body_cap(app));
		mq_reply_status(req, res, 413, "Request body too large");
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

/* Copies "NAME=value" parameters into the request's arena: libfcgi frees envp in
 * FCGX_Finish_r, and the access log line is written after that. */
static void add_params(mq_req *req, char **envp)
{
	for (char **e = envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (eq)
			mq_kvlist_add(req->arena, &req->params,
				      mq_arena_strndup(req->arena, *e, (size_t)(eq - *e)),
				      mq_arena_strdup(req->arena, eq + 1));
	}
	mq_req_parse_params(req);
}

struct thread {
	pthread_t tid;
	const mq_app *app;
	int listen_fd;
	int index;
	atomic_int in_accept;  /* inside FCGX_Accept_r: safe to wake with SIGUSR1 */
	atomic_int done;
};

static void wake(int sig)
{
	(void)sig; /* only interrupts a poll(); see the comment at the top */
}

static void serve_fastcgi(struct thread *t, FCGX_Request *r, mq_arena *arena, mq_res *res, mq_buf *out)
{
	double t0 = now_ms();
	mq_db_round_trips_reset();
	mq_cards_require(MQ_CARDS_LATEST); /* a member's session check lowers it (cards.h) */
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	req.ctx = &worker_ctx;
	add_params(&req, r->envp);

	size_t len;
	if (check_content_length(t->app, &req, res, &len) == 0 && len > 0) {
		char *body = mq_arena_alloc(arena, len + 1);
		int got = FCGX_GetStr(body, (int)len, r->in);
		if (got < 0 || (size_t)got != len) {
			mq_req_error(&req, "the request body ended before Content-Length bytes");
			mq_reply_status(&req, res, 400, "Bad request");
		} else {
			body[len] = '\0';
			req.body = body;
			req.body_len = len;
		}
	}
	mq_worker_handle(t->app, &req, res, out);
	FCGX_PutStr(out->data, (int)out->len, r->out);
	FCGX_Finish_r(r);
	mq_log_request(req.request_id, req.method_name, req.display_path, res->status, now_ms() - t0,
		       mq_db_round_trips(), req.user ? req.user->id : NULL);
	mq_metrics_request(res->status);
	mq_req_run_after(&req);
}

static void *thread_main(void *arg)
{
	struct thread *t = arg;
	FCGX_Request r;
	mq_arena *arena = mq_arena_new();
	mq_res res;
	mq_buf out = MQ_BUF_INIT;
	mq_res_init(&res);
	FCGX_InitRequest(&r, t->listen_fd, 0);

	while (!atomic_load(&stopping)) {
		/* idle threads sleep until a connection or the stop byte: no wake-ups while idle */
		struct pollfd p[2] = { { .fd = t->listen_fd, .events = POLLIN }, { .fd = stop_pipe[0], .events = POLLIN } };
		if (poll(p, 2, -1) <= 0 || !(p[0].revents & POLLIN))
			continue; /* EINTR or the stop byte: look at the stop flag again */
		atomic_store(&t->in_accept, 1);
		int rc = atomic_load(&stopping) ? -EINTR : FCGX_Accept_r(&r);
		atomic_store(&t->in_accept, 0);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR || rc == -ECONNABORTED)
			continue; /* another thread took the connection */
		if (rc < 0) {
			mq_log(MQ_LOG_ERROR, "accept", "FCGX_Accept_r failed: %d", rc);
			break;
		}
		serve_fastcgi(t, &r, arena, &res, &out);
		mq_arena_reset(arena);
		mq_res_reset(&res);
		mq_buf_reset(&out);
	}
	FCGX_Free(&r, 0);
	mq_buf_free(&out);
	mq_res_free(&res);
	mq_arena_free(arena);
	atomic_store(&t->done, 1);
	return NULL;
}

static int serve_cgi(const mq_app *app)
{
	mq_arena *arena = mq_arena_new();
	mq_res res;
	mq_buf out = MQ_BUF_INIT;
	mq_req req;
	double t0 = now_ms();
	mq_res_init(&res);
	mq_req_init(&req, arena, NULL, NULL);
	req.ctx = &worker_ctx;
	add_params(&req, environ);
	size_t len;
	if (check_content_length(app, &req, &res, &len) == 0 && len > 0) {
		char *body = mq_arena_alloc(arena, len + 1);
		size_t got = 0;
		while (got < len) {
			ssize_t n = read(STDIN_FILENO, body + got, len - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		body[got] = '\0';
		if (got != len) {
			mq_req_error(&req, "the request body ended before Content-Length bytes");
			mq_reply_status(&req, &res, 400, "Bad request");
		} else {
			req.body = body;
			req.body_len = len;
		}
	}
	mq_worker_handle(app, &req, &res, &out);
	fwrite(out.data, 1, out.len, stdout);
	fclose(stdout); /* the web server has the whole reply: what follows does not delay it */
	mq_log_request(req.request_id, req.method_name, req.display_path, res.status, now_ms() - t0,
		       mq_db_round_trips(), req.user ? req.user->id : NULL);
	mq_req_run_after(&req);
	mq_buf_free(&out);
	mq_res_free(&res);
	mq_arena_free(arena);
	return 0;
}

/* The answer of a CGI request when the configuration is unusable: a 500 in the error shape. */
static int cgi_config_failure(void)
{
	mq_arena *arena = mq_arena_new();
	mq_req req;
	mq_res res;
	mq_buf out = MQ_BUF_INIT;
	const char *path = getenv("PATH_INFO");
	mq_req_init(&req, arena, getenv("REQUEST_METHOD"), path && *path ? path : "/api");
	mq_res_init(&res);
	mq_reply_status(&req, &res, 500, "Server misconfigured; see the error log");
	mq_res_serialize(&req, &res, &out);
	fwrite(out.data, 1, out.len, stdout);
	mq_buf_free(&out);
	mq_res_free(&res);
	mq_arena_free(arena);
	return 1;
}

static void usage(const mq_app *app, FILE *f)
{
	fprintf(f,
		"usage: %s [--listen PATH|127.0.0.1:PORT] [--respawn] [--check-config] [--version]\n"
		"The Marquee %s worker. Serves FastCGI on fd 0 (spawn-fcgi, systemd socket units) or\n"
		"on the socket --listen names; run without a socket it answers one CGI request.\n"
		"--respawn keeps the socket in a supervising process and restarts the worker when it dies.\n"
		"Configuration comes from the environment (see README.md).\n",
		app->name, app->name);
}

static int open_listener(const char *spec)
{
	if (spec[0] == '/' || spec[0] == '.') {
		unlink(spec); /* a stale socket from a killed run */
		mode_t old = umask(0117); /* srw-rw----: the web server's group may connect */
		int fd = FCGX_OpenSocket(spec, 128);
		umask(old);
		return fd;
	}
	if (strncmp(spec, "127.0.0.1:", 10))
		return -1; /* TCP only on loopback */
	return FCGX_OpenSocket(spec, 128);
}

/* Why a child ended, for the log: "exit 3" or "signal 9". */
static const char *ended_how(int status, char *buf, size_t size)
{
	if (WIFSIGNALED(status))
		snprintf(buf, size, "signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "exit %d", WEXITSTATUS(status));
	return buf;
}

/* --respawn: runs the worker in a child process and starts another whenever it dies without
 * having been asked to stop; a stop signal is passed on to the child and its exit status becomes
 * ours. A child that dies within a second of starting is restarted after a growing pause (up to
 * 5 s); one that exits 0 (stopped by someone else) or 78 (unusable configuration) is not restarted.
 * Returns -1 in the child, which goes on to serve; in the supervisor, the status to exit with. */
static int respawn(const sigset_t *stop_signals)
{
	sigset_t watched = *stop_signals, old;
	sigaddset(&watched, SIGCHLD);
	sigprocmask(SIG_BLOCK, &watched, &old);
	signal(SIGCHLD, SIG_DFL); /* inherited as ignored, children would be reaped before we saw them die */
	pid_t self = getpid();
	long pause_ms = 0;
	for (;;) {
		double started = now_ms();
		pid_t child = fork();
		if (child < 0) {
			mq_log(MQ_LOG_ERROR, "respawn", "cannot fork: %s", mq_strerror(errno).s);
			return 1;
		}
		if (child == 0) {
			prctl(PR_SET_PDEATHSIG, SIGTERM); /* a supervisor killed outright takes its child along */
			if (getppid() != self)
				_exit(0);
			sigprocmask(SIG_SETMASK, &old, NULL);
			return -1;
		}
		mq_log(MQ_LOG_INFO, "respawn", "worker process %d started", (int)child);
		int status = 0, stop = 0;
		while (!stop) {
			int sig = sigwaitinfo(&watched, NULL);
			if (sig == SIGCHLD) {
				if (waitpid(child, &status, WNOHANG) == child)
					break;
			} else if (sig > 0) {
				kill(child, sig);
				stop = 1;
			}
		}
		if (stop) {
			while (waitpid(child, &status, 0) < 0 && errno == EINTR)
				;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		}
		char how[32];
		if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 78)) {
			mq_log(MQ_LOG_INFO, "respawn", "worker process %d ended (%s); not restarting it", (int)child,
			       ended_how(status, how, sizeof how));
			return WEXITSTATUS(status);
		}
		pause_ms = now_ms() - started < 1000 ? (pause_ms ? pause_ms * 2 : 100) : 0;
		if (pause_ms > 5000)
			pause_ms = 5000;
		mq_log(MQ_LOG_WARN, "respawn", "worker process %d died (%s); starting another in %ld ms", (int)child,
		       ended_how(status, how, sizeof how), pause_ms);
		struct timespec wait = { pause_ms / 1000, (pause_ms % 1000) * 1000000L };
		if (pause_ms && sigtimedwait(stop_signals, NULL, &wait) > 0)
			return 0;
	}
}

int mq_worker_main(const mq_app *app, int argc, char **argv)
{
	const char *listen_spec = NULL;
	int check_only = 0, respawning = 0, rc = 1, started_ok = 0, listen_fd = -1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(app, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("marquee-%s %s\n", app->name, MQ_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "--listen") && i + 1 < argc) {
			listen_spec = argv[++i];
		} else if (!strcmp(argv[i], "--respawn")) {
			respawning = 1;
		} else if (!strcmp(argv[i], "--check-config")) {
			check_only = 1;
		} else {
			usage(app, stderr);
			return 2;
		}
	}

	/* The stop signals are blocked from the start and taken only by the main loop's sigtimedwait;
	 * threads inherit the mask. Were they not, a SIGTERM during start-up would meet the handler
	 * libfcgi installs, which swallows it, and the worker would never stop. A CGI request keeps
	 * the default: the web server may end it with SIGTERM. */
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	if (FCGX_Init() != 0) {
		fprintf(stderr, "%s: cannot initialise libfcgi\n", app->name);
		return 1;
	}
	int cgi = !listen_spec && FCGX_IsCGI();
	if (cgi) {
		pthread_sigmask(SIG_UNBLOCK, &stop_signals, NULL);
		signal(SIGTERM, SIG_DFL); /* and whatever libfcgi installed is undone */
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
	}

	mq_buf problems = MQ_BUF_INIT;
	unsigned needs = (app->needs & MQ_APP_AUTH) ? MQ_CONFIG_NEED_JWT : 0;
	if (mq_config_from_env(&worker_cfg, needs, &problems)) {
		fprintf(stderr, "%s: configuration problems:\n%s", app->name, mq_buf_cstr(&problems));
		mq_buf_free(&problems);
		mq_config_free(&worker_cfg);
		return cgi && !check_only ? cgi_config_failure() : 78; /* EX_CONFIG */
	}
	mq_buf_free(&problems);
	if (check_only) {
		printf("%s: configuration OK\n", app->name);
		mq_config_free(&worker_cfg);
		return 0;
	}
	mq_log_init(app->name, (mq_log_level)worker_cfg.log_level, STDERR_FILENO);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN); /* a file-size limit fails the write (EFBIG) instead of killing us */
	if (!cgi) {
		listen_fd = listen_spec ? open_listener(listen_spec) : 0;
		int status = listen_fd < 0 ? 1 : -1;
		if (listen_fd < 0)
			mq_log(MQ_LOG_ERROR, "listen", "cannot listen on %s (a unix socket path or 127.0.0.1:PORT)",
			       listen_spec);
		else if (respawning) /* before the database pool and its threads exist: they do not survive a fork */
			status = respawn(&stop_signals);
		if (status >= 0) {
			mq_config_free(&worker_cfg);
			return status;
		}
	}

	worker_ctx.cfg = &worker_cfg;
	worker_ctx.app_name = app->name;
	worker_ctx.started = time(NULL);
	mq_buf err = MQ_BUF_INIT;
	if (app->needs & MQ_APP_TEMPLATES) {
		worker_ctx.templates = mq_tmpl_set_new();
		if (mq_tmpl_set_load_dir(worker_ctx.templates, worker_cfg.template_dir, &err)) {
			mq_log(MQ_LOG_ERROR, "templates", "cannot load templates from %s: %s",
			       worker_cfg.template_dir, mq_buf_cstr(&err));
			goto out;
		}
		mq_buf dir = MQ_BUF_INIT;
		mq_buf_printf(&dir, "%s/messages", worker_cfg.template_dir);
		worker_ctx.messages = mq_messages_load(mq_buf_cstr(&dir), &err);
		mq_buf_free(&dir);
		if (!worker_ctx.messages) {
			mq_log(MQ_LOG_ERROR, "templates", "cannot load the message catalogue: %s", mq_buf_cstr(&err));
			goto out;
		}
		mq_set_html_error_page(mq_page_error);
	}
	if (app->needs & MQ_APP_DB) {
		mq_db_install_log_handler();
		char appname[64];
		snprintf(appname, sizeof appname, "marquee-%s", app->name);
		worker_ctx.db = mq_db_open(worker_cfg.mongodb_uri, worker_cfg.db_name, appname,
					   app->needs & MQ_APP_DB_PROBE ? MQ_DB_TIMEOUTS_PROBE : MQ_DB_TIMEOUTS_WORKER,
					   &err);
		if (!worker_ctx.db) {
			mq_log(MQ_LOG_ERROR, "db", "%s", mq_buf_cstr(&err));
			goto out;
		}
	}
	if (app->init && app->init() != 0)
		goto out;
	started_ok = 1;

	if (cgi) {
		rc = serve_cgi(app);
		goto out_fini;
	}

	fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK);

	struct sigaction sa = { .sa_handler = wake, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);

	if (pipe(stop_pipe) != 0) {
		mq_log(MQ_LOG_ERROR, "start", "cannot make the stop pipe: %s", mq_strerror(errno).s);
		goto out_fini;
	}
	int n = worker_cfg.worker_threads;
	struct thread *threads = mq_xcalloc((size_t)n, sizeof *threads);
	for (int i = 0; i < n; i++) {
		threads[i] = (struct thread){ .app = app, .listen_fd = listen_fd, .index = i };
		if (pthread_create(&threads[i].tid, NULL, thread_main, &threads[i]) != 0) {
			mq_log(MQ_LOG_ERROR, "thread", "cannot start thread %d", i);
			n = i;
			atomic_store(&stopping, 1);
			break;
		}
	}
	mq_log(MQ_LOG_INFO, "start", "serving FastCGI with %d threads (version %s)", n, MQ_VERSION);
	while (!atomic_load(&stopping)) {
		/* between signals, the process's counters go to the database when due (metrics.h) */
		struct timespec tick = { 2, 0 };
		int sig = sigtimedwait(&stop_signals, NULL, &tick);
		if (sig > 0) {
			mq_log(MQ_LOG_INFO, "stop", "signal %d: finishing requests in flight", sig);
			atomic_store(&stopping, 1);
			break;
		}
		mq_metrics_flush(worker_ctx.db, app->name, 0);
	}
	/* Requests in flight finish; idle threads and those waiting for a first request are woken. */
	if (write(stop_pipe[1], "x", 1) != 1)
		mq_log(MQ_LOG_WARN, "stop", "cannot wake the threads: %s", mq_strerror(errno).s);
	for (int busy = 1; busy;) {
		busy = 0;
		for (int i = 0; i < n; i++) {
			if (atomic_load(&threads[i].done))
				continue;
			busy = 1;
			if (atomic_load(&threads[i].in_accept))
				pthread_kill(threads[i].tid, SIGUSR1);
		}
		if (busy)
			nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	}
	for (int i = 0; i < n; i++)
		pthread_join(threads[i].tid, NULL);
	free(threads);
	close(stop_pipe[0]);
	close(stop_pipe[1]);
	mq_metrics_flush(worker_ctx.db, app->name, 1);
	if (listen_spec)
		close(listen_fd);
	rc = 0;
out_fini:
	if (app->fini)
		app->fini();
out:
	if (cgi && !started_ok)
		cgi_config_failure(); /* the web server shows the error shape, not a bare 502 */
	mq_buf_free(&err);
	mq_db_close(worker_ctx.db);
	mq_tmpl_set_free(worker_ctx.templates);
	mq_messages_free(worker_ctx.messages);
	if (app->needs & MQ_APP_DB)
		mongoc_cleanup();
	mq_config_free(&worker_cfg);
	if (rc == 0)
		mq_log(MQ_LOG_INFO, "stop", "stopped");
	return rc;
}
