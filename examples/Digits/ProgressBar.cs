using System;
using NetGen.Training;

/// <summary>
/// A terminal progress bar fed by the trainer's <see cref="IProgress{T}"/> reports: redrawn in place within an epoch, one
/// line per finished epoch. When the output is not a terminal (redirected to a file or CI log) it prints only the epoch lines.
/// </summary>
internal sealed class ProgressBar : IProgress<TrainingProgress>
{
    private const int Width = 30;
    private readonly bool _interactive = !Console.IsOutputRedirected;

    public void Report(TrainingProgress p)
    {
        if (p.Completed is { } e)
        {
            Clear();
            Console.WriteLine(
                $"epoch {e.Epoch,3}/{p.Epochs}  loss {e.TrainLoss:F4}  train acc {e.TrainAccuracy:F4}  val loss {e.ValidationLoss:F4}  val acc {e.ValidationAccuracy:F4}  lr {e.LearningRate:E1}  {e.Elapsed.TotalMilliseconds,5:F0} ms");
            return;
        }
        if (!_interactive)
        {
            return;
        }
        int filled = Width * p.Batch / p.Batches;
        Console.Write($"\repoch {p.Epoch,3}/{p.Epochs} [{new string('#', filled)}{new string('.', Width - filled)}] {p.Batch,3}/{p.Batches} batches  loss {p.Loss:F4}");
    }

    public void Finish() => Clear();

    private void Clear()
    {
        if (_interactive)
        {
            Console.Write("\r" + new string(' ', Width + 60) + "\r");
        }
    }
}
