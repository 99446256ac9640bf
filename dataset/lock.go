package dataset

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"
)

// Owner identifies a lock holder.
type Owner struct {
	RunID   string    `json:"run_id"`
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
}

// String describes the owner for error messages.
func (o Owner) String() string {
	return fmt.Sprintf("run %s (host %s, pid %d, started %s)", o.RunID, o.Host, o.PID, o.Started.Format(time.RFC3339))
}

// NewOwner describes this process with a fresh random run ID.
func NewOwner() Owner {
	var b [8]byte
	rand.Read(b[:])
	host, _ := os.Hostname()
	return Owner{RunID: hex.EncodeToString(b[:]), Host: host, PID: os.Getpid(), Started: time.Now().UTC()}
}

// beat is the heartbeat interval for a TTL.
func beat(ttl time.Duration) time.Duration { return max(ttl/3, 10*time.Millisecond) }

// processStart tells this process from an earlier one with the same pid.
var processStart = time.Now()

// LockOptions tune Acquire.
type LockOptions struct {
	// TTL is how old a heartbeat may get before the lock is stale
	// (default 1 minute). The holder touches the file every TTL/3.
	TTL time.Duration
	// Wait is how long Acquire waits for a live lock to be released or go
	// stale before failing with ErrLocked (default 0: fail at once).
	Wait time.Duration
}

// Lock is a held shard lock. Lost is closed when the heartbeat finds
// that another run owns the file; Release stops the heartbeat.
type Lock struct {
	path  string
	owner Owner
	lost  chan struct{}
	stop  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
	lostO sync.Once
}

// Acquire takes the lock file at path for owner.
func Acquire(ctx context.Context, path string, owner Owner, o LockOptions) (*Lock, error) {
	if o.TTL <= 0 {
		o.TTL = time.Minute
	}
	deadline := time.Now().Add(o.Wait)
	data, _ := json.Marshal(owner)
	for {
		err := createExclusive(path, data)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		cur, stale, err := inspectLock(path, o.TTL)
		if err != nil {
			continue // released or replaced meanwhile: try again
		}
		if stale {
			if err := takeOver(path, cur); err != nil {
				return nil, err
			}
			continue
		}
		if !time.Now().Before(deadline) {
			return nil, fmt.Errorf("lock %s: %w: held by %s", path, ErrLocked, cur.Owner)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(time.Second, beat(o.TTL))):
		}
	}
	l := &Lock{path: path, owner: owner, lost: make(chan struct{}), stop: make(chan struct{})}
	l.wg.Add(1)
	go l.heartbeat(beat(o.TTL))
	return l, nil
}

func createExclusive(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

type lockState struct {
	Owner
	Heartbeat time.Time
}

// inspectLock reads the lock and judges whether it is stale.
func inspectLock(path string, ttl time.Duration) (lockState, bool, error) {
	st, err := os.Stat(path)
	if err != nil {
		return lockState{}, false, err
	}
	data, err := readSmall(path)
	if err != nil {
		return lockState{}, false, err
	}
	var s lockState
	if err := json.Unmarshal(data, &s.Owner); err != nil {
		// A lock whose writer died mid-write: judge by age alone.
		s.Owner = Owner{RunID: "unreadable"}
	}
	s.Heartbeat = st.ModTime()
	if time.Since(s.Heartbeat) > ttl {
		return s, true, nil
	}
	host, _ := os.Hostname()
	if s.Host == host && s.PID > 0 {
		if s.PID == os.Getpid() {
			// Our own pid: an earlier process in this restarted container
			// (pid 1 again) if it started before us, else this process.
			return s, s.Started.Before(processStart), nil
		}
		if processGone(s.PID) {
			return s, true, nil
		}
	}
	return s, false, nil
}

// takeOver moves a stale lock aside. If what was moved is not the stale
// lock judged (another run took it over first), it is put back.
func takeOver(path string, stale lockState) error {
	aside := path + ".stale-" + NewOwner().RunID
	if err := os.Rename(path, aside); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("lock %s: take over: %w", path, err)
	}
	data, err := readSmall(aside)
	var o Owner
	if err == nil && json.Unmarshal(data, &o) == nil && o.RunID != stale.RunID {
		if err := os.Link(aside, path); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("lock %s: put back: %w", path, err)
		}
	}
	return removeIfExists(aside)
}

// Owned reports an error wrapping ErrLockLost when the lock file no longer
// names this run.
func (l *Lock) Owned() error {
	data, err := readSmall(l.path)
	var o Owner
	if err == nil {
		err = json.Unmarshal(data, &o)
	}
	if err != nil || o.RunID != l.owner.RunID {
		l.lostO.Do(func() { close(l.lost) })
		if err == nil {
			return fmt.Errorf("lock %s: %w: now held by %s", l.path, ErrLockLost, o)
		}
		return fmt.Errorf("lock %s: %w: %v", l.path, ErrLockLost, err)
	}
	return nil
}

// Lost is closed when another run has taken the lock.
func (l *Lock) Lost() <-chan struct{} { return l.lost }

func (l *Lock) heartbeat(every time.Duration) {
	defer l.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		if l.Owned() != nil {
			return
		}
		now := time.Now()
		os.Chtimes(l.path, now, now)
	}
}

// Release stops the heartbeat and removes the lock file if this run still
// owns it. Safe to call more than once.
func (l *Lock) Release() error {
	var err error
	l.once.Do(func() {
		close(l.stop)
		l.wg.Wait()
		if l.Owned() == nil {
			err = removeIfExists(l.path)
		}
	})
	return err
}

// stopHeartbeat stops touching the file without releasing it (tests act
// out a hung holder with it).
func (l *Lock) stopHeartbeat() {
	l.once.Do(func() {
		close(l.stop)
		l.wg.Wait()
	})
}
