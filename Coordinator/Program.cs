using System.CommandLine;
using Diffrax.Coordinator.Cli;

// The `diffrax` program: run, validate, inspect and plot jobs. Exit codes: 0 success, 1 the job ran but some
// members failed (their result codes are in the dataset), 2 invalid job or arguments.
return await DiffraxCli.RunAsync(args).ConfigureAwait(false);
