// Command fill prepares the data sets of the load benchmarks: it writes
// generated schemas straight into an embedded log (much faster than
// registering them through the API) and the request bodies the wrk scripts
// send.
//
//	fill -data-dir DIR -schemas N   stores schemas 0..N-1 (see bench/schemagen)
//	fill -kafka-brokers B -schemas N  stores them in the _schemas topic instead
//	fill -schemas N -bodies FILE    writes "subject<TAB>body" lines for them
//	fill -new-template FILE         writes the body of a new schema, with
//	                                __N__ where a unique suffix goes
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/goschemaregistry/registry/bench/schemagen"
	"github.com/goschemaregistry/registry/storage"
)

func main() {
	dataDir := flag.String("data-dir", "", "embedded log to store the schemas in; it must be empty")
	brokers := flag.String("kafka-brokers", "", "comma-separated Kafka brokers whose _schemas topic to store the schemas in; it must be empty")
	schemas := flag.Int("schemas", 0, "number of schemas")
	bodies := flag.String("bodies", "", "file to write one \"subject<TAB>request body\" line per schema to")
	template := flag.String("new-template", "", "file to write a new-schema request body to, with __N__ as the unique part")
	flag.Parse()
	if err := run(*dataDir, *brokers, *schemas, *bodies, *template); err != nil {
		fmt.Fprintln(os.Stderr, "fill:", err)
		os.Exit(1)
	}
}

func run(dataDir, brokers string, schemas int, bodies, template string) error {
	if dataDir != "" {
		if err := fillLog(dataDir, schemas); err != nil {
			return err
		}
	}
	if brokers != "" {
		if err := fillTopic(strings.Split(brokers, ","), schemas); err != nil {
			return err
		}
	}
	if bodies != "" {
		if err := writeBodies(bodies, schemas); err != nil {
			return err
		}
	}
	if template != "" {
		body := schemagen.Body(schemagen.Record("com.example.bench.fresh",
			[]string{schemagen.OptionalField("n__N__")}))
		return os.WriteFile(template, []byte(body), 0o644)
	}
	return nil
}

func fillLog(dir string, schemas int) error {
	started := time.Now()
	log, err := storage.OpenFileLog(dir, storage.FileLogOptions{})
	if err != nil {
		return err
	}
	if err := fillEmpty(log, dir, schemas); err != nil {
		return err
	}
	info, err := os.Stat(dir + "/schemas.log")
	if err != nil {
		return err
	}
	fmt.Printf("stored %d schemas in %s: %d bytes, %v\n", schemas, dir, info.Size(), time.Since(started).Round(time.Millisecond))
	return nil
}

func fillTopic(brokers []string, schemas int) error {
	started := time.Now()
	log, err := storage.OpenKafkaLog(context.Background(), storage.KafkaLogOptions{Brokers: brokers})
	if err != nil {
		return err
	}
	if err := fillEmpty(log, "the _schemas topic", schemas); err != nil {
		return err
	}
	fmt.Printf("stored %d schemas in the _schemas topic: %v\n", schemas, time.Since(started).Round(time.Millisecond))
	return nil
}

// fillEmpty stores the schemas in log, which must be empty, and closes it.
func fillEmpty(log storage.Log, name string, schemas int) error {
	ctx := context.Background()
	end, err := log.EndOffset(ctx)
	if err == nil && end >= 0 {
		err = fmt.Errorf("%s is not empty: ids would clash", name)
	}
	if err == nil {
		_, err = schemagen.Fill(ctx, log, 0, schemas)
	}
	return errors.Join(err, log.Close())
}

func writeBodies(path string, schemas int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := range schemas {
		fmt.Fprintf(w, "%s\t%s\n", schemagen.Subject(i), schemagen.Body(schemagen.Schema(i)))
	}
	return errors.Join(w.Flush(), f.Close())
}
