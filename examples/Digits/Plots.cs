using System.Linq;
using NetGen.Training;
using ScottPlot;

/// <summary>The two PNGs, drawn with ScottPlot 5.</summary>
internal static class Plots
{
    /// <summary>Training and validation loss per epoch.</summary>
    public static void Loss(TrainingHistory history, string path)
    {
        var plot = new Plot();
        double[] epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        var train = plot.Add.Scatter(epochs, history.Epochs.Select(e => (double)e.TrainLoss).ToArray());
        train.LegendText = "training loss (training mode, dropout on)";
        var validation = plot.Add.Scatter(epochs, history.Epochs.Select(e => (double)(e.ValidationLoss ?? double.NaN)).ToArray());
        validation.LegendText = "validation loss";
        var best = plot.Add.VerticalLine(history.BestEpoch);
        best.LegendText = "best epoch";
        best.LinePattern = LinePattern.Dashed;
        plot.Title("UCI digits: cross-entropy per epoch");
        plot.XLabel("epoch");
        plot.YLabel("mean loss per sample");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 900, 550);
    }

    /// <summary>The confusion matrix as a heatmap with the counts written in the cells.</summary>
    public static void Confusion(ConfusionMatrix matrix, string path)
    {
        int n = matrix.Classes;
        var counts = new double[n, n];
        for (int actual = 0; actual < n; actual++)
        {
            for (int predicted = 0; predicted < n; predicted++)
            {
                counts[actual, predicted] = matrix[actual, predicted];
            }
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(counts);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // Row 0 (actual 0) at the top: cell (actual, predicted) is centred on x = predicted, y = n − 1 − actual
        // (ScottPlot places the first and last cells' centres on the extent's edges).
        heatmap.Extent = new CoordinateRect(0, n - 1, 0, n - 1);
        plot.Add.ColorBar(heatmap);
        double max = counts.Cast<double>().Max();
        for (int actual = 0; actual < n; actual++)
        {
            for (int predicted = 0; predicted < n; predicted++)
            {
                var text = plot.Add.Text(matrix[actual, predicted].ToString(System.Globalization.CultureInfo.InvariantCulture), predicted, n - 1 - actual);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = 14;
                text.LabelFontColor = counts[actual, predicted] > max / 2 ? Colors.Black : Colors.White;
            }
        }
        var ticks = Enumerable.Range(0, n);
        plot.Axes.Bottom.SetTicks(ticks.Select(i => (double)i).ToArray(), ticks.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.SetTicks(ticks.Select(i => (double)(n - 1 - i)).ToArray(), ticks.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Title($"UCI digits: test-set confusion matrix (accuracy {matrix.Accuracy:P1})");
        plot.XLabel("predicted digit");
        plot.YLabel("actual digit");
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.SavePng(path, 760, 650);
    }
}
