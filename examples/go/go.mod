module clickref.example/examples/go

go 1.19

require clickref.example/clickref v0.0.0

// The binding lives in this repository; in your project, point this at your
// copy of clickref's bindings/go.
replace clickref.example/clickref => ../../bindings/go
