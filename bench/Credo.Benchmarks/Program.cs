using BenchmarkDotNet.Running;
using Credo.Benchmarks;

if (args is ["load", .. var rest])
{
    return await LoadRun.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(TokenCacheBenchmarks).Assembly).Run(args);
return 0;
