package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/trustmap/trustmap/collectors"
)

// TestServeModeServesTheGeneratedAccountUntilInterrupted runs --serve on
// the tiny scenario, reads its line, identifies against the endpoint with
// the printed access key as trustmap scan would, and checks that the fake
// counted the call when interrupted.
func TestServeModeServesTheGeneratedAccountUntilInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := execute(ctx, append([]string{"--serve"}, tiny...), pw, io.Discard)
		pw.Close()
		done <- code
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatalf("no line from --serve: %v", lines.Err())
	}
	var line serveLine
	if err := json.Unmarshal(lines.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	o := parse(t, tiny...)
	want := 0
	for _, n := range generate(o.scenario).Resources {
		want += n
	}
	rates := fmt.Sprintf("aws*%g", o.timeScale) // the scanner's rates are the fake's
	if line.Endpoint == "" || line.AccessKey != benchAccessKey || line.Resources != want || line.Resources == 0 ||
		line.RateLimits != rates || line.Floor <= 0 || line.MinimalCalls == 0 {
		t.Fatalf("line %+v: want the endpoint, the bench access key, %d resources, %s, a floor and the plan's calls", line, want, rates)
	}
	cfg, err := collectors.LoadConfig(ctx, collectors.ConfigOptions{EndpointURL: line.Endpoint,
		Credentials: credentials.NewStaticCredentialsProvider(line.AccessKey, "any", "")})
	if err != nil {
		t.Fatal(err)
	}
	acct, _, err := collectors.Identify(ctx, cfg)
	if err != nil || acct != benchAccount {
		t.Fatalf("identify against --serve: account %q, %v; want %s", acct, err, benchAccount)
	}
	cancel()
	if !lines.Scan() {
		t.Fatalf("no line on interrupt: %v", lines.Err())
	}
	var calls struct {
		Calls int64 `json:"fake_calls"`
	}
	if err := json.Unmarshal(lines.Bytes(), &calls); err != nil || calls.Calls < 1 {
		t.Errorf("on interrupt: %s (%v); want the calls answered, at least the identify", lines.Text(), err)
	}
	if code := <-done; code != 0 {
		t.Errorf("exit %d after interrupt", code)
	}
}
