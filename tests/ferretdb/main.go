// ferretdb-test: the embedded FerretDB v1 (SQLite backend) that the test stack and `make run` use
// as the default MongoDB-compatible database when MONGODB_URI is not set.
//
// Why a wrapper: `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that
// panics at start-up (its version.txt is generated, not committed; upstream issue #2982). Importing
// the embeddable package from another main module skips that check. build.sh builds it, with one
// patch to FerretDB that lets its lookups by _id use the _id index (build.sh says why).
//
// It prints the MongoDB URI on its first stdout line once it listens, then runs until SIGTERM/SIGINT.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dir := flag.String("dir", "", "existing directory for the SQLite files (required)")
	tcp := flag.String("tcp", "127.0.0.1:0", "TCP listen address; port 0 picks a free port")
	unix := flag.String("unix", "", "optional unix socket path (must end in .sock for libmongoc)")
	verbose := flag.Bool("v", false, "log at info level instead of warnings only")
	flag.Parse()

	if *dir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb-test: -dir is required")
		os.Exit(2)
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		fmt.Fprintf(os.Stderr, "ferretdb-test: -dir %q is not an existing directory\n", *dir)
		os.Exit(2)
	}

	// FerretDB decodes every document a query reads that is not found by _id into Go values:
	// reading 10,000 movies spent a quarter of its time collecting garbage at Go's default of
	// 100 (3.6 s), 2.8 s at 400, for 12 MB more memory. GOGC, when set, still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}

	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *tcp, Unix: *unix},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/",
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan struct{})
	go func() {
		f.Run(ctx)
		close(done)
	}()

	fmt.Println(f.MongoDBURI()) // blocks until the listener is up
	<-done
}
