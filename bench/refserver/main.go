// Command refserver is the reference of the read benchmark: an echo v4
// server, behind the same http.Server settings as cmd/schema-registry,
// whose GET /schemas/ids/:id answers a constant body read from a file. The
// registry's figure for the same route, divided by this server's, is the
// share of the framework's throughput the registry keeps.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v4"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:18082", "address to serve on")
	bodyFile := flag.String("body-file", "", "file holding the body of every answer (required)")
	flag.Parse()
	if err := run(*listen, *bodyFile); err != nil {
		fmt.Fprintln(os.Stderr, "refserver:", err)
		os.Exit(1)
	}
}

func run(listen, bodyFile string) error {
	if bodyFile == "" {
		return fmt.Errorf("-body-file is required")
	}
	body, err := os.ReadFile(bodyFile)
	if err != nil {
		return err
	}
	const contentType = "application/vnd.schemaregistry.v1+json"
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Logger.SetOutput(io.Discard)
	e.GET("/schemas/ids/:id", func(c echo.Context) error {
		return c.Blob(http.StatusOK, contentType, body)
	})
	// The settings of cmd/schema-registry's server.
	server := &http.Server{
		Addr:              listen,
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
	}
	return server.ListenAndServe()
}
