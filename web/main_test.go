package web_test

import (
	"testing"

	"lendgraph/apptest"
)

func TestMain(m *testing.M) { apptest.Main(m) }
