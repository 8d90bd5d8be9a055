package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// TestConcurrencyCap fills a server capped at two requests with requests
// held in a handler, and checks that a third waits for a free slot, is
// turned away with 429 when none frees in time or its client goes away,
// and that health probes are never held back.
func TestConcurrencyCap(t *testing.T) {
	a := newAuthServer(t, Config{MaxConcurrentRequests: 2})
	entered, release := make(chan struct{}), make(chan struct{})
	a.srv.echo.GET("/test/hold", func(c echo.Context) error {
		entered <- struct{}{}
		<-release
		return c.NoContent(http.StatusOK)
	})
	held := make(chan int, 3)
	hold := func() {
		go func() { held <- a.do("", "GET", "/test/hold", "").Code }()
		<-entered
	}
	hold()
	hold()

	for _, path := range []string{"/health/live", "/health/ready"} {
		if rec := a.do("", "GET", path, ""); rec.Code == http.StatusTooManyRequests {
			t.Errorf("GET %s held back: %d", path, rec.Code)
		}
	}

	start := time.Now()
	rec := a.do("", "GET", "/subjects", "")
	if rec.Code != http.StatusTooManyRequests || rec.Body.String() != `{"error_code":429,"message":"Too Many Requests"}` {
		t.Errorf("over the cap: got %d %s, want 429", rec.Code, rec.Body)
	}
	if waited := time.Since(start); waited < queueWait/2 {
		t.Errorf("turned away after %v, want a wait of about %v", waited, queueWait)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gone := httptest.NewRequest("GET", "/subjects", nil).WithContext(ctx)
	goneRec := httptest.NewRecorder()
	start = time.Now()
	a.srv.ServeHTTP(goneRec, gone)
	if goneRec.Code != http.StatusTooManyRequests || time.Since(start) > queueWait/2 {
		t.Errorf("client gone: got %d after %v, want 429 at once", goneRec.Code, time.Since(start))
	}

	// A request waiting for a slot gets the one a finished request frees.
	waiting := make(chan int)
	go func() { waiting <- a.do("", "GET", "/subjects", "").Code }()
	time.Sleep(queueWait / 10)
	release <- struct{}{}
	if code := <-waiting; code != http.StatusOK {
		t.Errorf("waiting request: got %d, want 200", code)
	}
	release <- struct{}{}
	for range 2 {
		if code := <-held; code != http.StatusOK {
			t.Errorf("held request: got %d, want 200", code)
		}
	}
	if rec := a.do("", "GET", "/subjects", ""); rec.Code != http.StatusOK {
		t.Errorf("after the held requests: got %d, want 200", rec.Code)
	}
}

// TestNoConcurrencyCap checks that without a cap many requests are held at
// once.
func TestNoConcurrencyCap(t *testing.T) {
	a := newAuthServer(t, Config{})
	const n = 20
	entered, release := make(chan struct{}), make(chan struct{})
	a.srv.echo.GET("/test/hold", func(c echo.Context) error {
		entered <- struct{}{}
		<-release
		return c.NoContent(http.StatusOK)
	})
	done := make(chan int, n)
	for range n {
		go func() { done <- a.do("", "GET", "/test/hold", "").Code }()
	}
	for range n {
		<-entered
	}
	close(release)
	for range n {
		if code := <-done; code != http.StatusOK {
			t.Errorf("got %d, want 200", code)
		}
	}
}
