package tensorflow

import "fmt"

// codeNames are TF_Code values (tsl_status.h).
var codeNames = [...]string{
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
	"ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
	"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
	"UNAUTHENTICATED",
}

// codeName names a TF_Code.
func codeName(c int32) string {
	if c >= 0 && int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("CODE_%d", c)
}

// StatusError is a TensorFlow error status returned by a C API call.
type StatusError struct {
	Call    string // the C function, e.g. "TF_SessionRun"
	Code    int32
	Message string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Call, codeName(e.Code), e.Message)
}

// check turns the status left by call into an error, nil when OK.
func (a *api) check(call string, status uintptr) error {
	code := a.getCode(status)
	if code == 0 {
		return nil
	}
	return &StatusError{Call: call, Code: code, Message: a.message(status)}
}
