package savedmodel_test

import (
	"fmt"

	"github.com/scorekit/score/savedmodel"
)

func ExampleParseTensorName() {
	for _, s := range []string{"StatefulPartitionedCall_5:0", "x", "^init_all_tables"} {
		node, index, _ := savedmodel.ParseTensorName(s)
		fmt.Println(node, index)
	}
	// Output:
	// StatefulPartitionedCall_5 0
	// x 0
	// init_all_tables -1
}
