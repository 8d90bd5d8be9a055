package storage

import (
	"context"
	"log/slog"
)

// StartView builds a view by replaying log from its start and keeps it
// following the log until ctx is done. It returns once the view has caught
// up with the end of the log as it was when called, so that the first read
// served sees every record written before. stopped receives Follow's error
// when following ends.
func StartView(ctx context.Context, log Log, logger *slog.Logger) (view *View, stopped <-chan error, err error) {
	end, err := log.EndOffset(ctx)
	if err != nil {
		return nil, nil, err
	}
	view = NewView(logger)
	done := make(chan error, 1)
	go func() { done <- log.Follow(ctx, 0, view.ApplyFunc) }()
	caughtUp := make(chan error, 1)
	go func() { caughtUp <- view.WaitApplied(ctx, end) }()
	select {
	case err := <-caughtUp:
		if err != nil {
			return nil, nil, err
		}
	case err := <-done:
		return nil, nil, err
	}
	return view, done, nil
}
