using Nightjar.Bench;

// Benchmarks are run by bench/run, never by the test suite: timings belong in docs/PERFORMANCE.md, not in asserts.
return args.FirstOrDefault() switch
{
    "argon2" => await Argon2Measurements.RunAsync(args[1..]),
    "startup" => await StartupMeasurements.RunAsync(args[1..]),
    "recovery" => await RecoveryMeasurements.RunAsync(args[1..]),
    "api" => await ApiMeasurements.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Nightjar.Bench argon2 [--quick] | startup [runs] | recovery [runs] | api [seconds]");
    return 1;
}
