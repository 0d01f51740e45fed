// The consumer's whole observable behaviour as text: embedded inference, a safetensors round trip, a short training run.
using System.Globalization;
using System.Text;
using NetGen;
using NetGen.IO;

namespace PackageConsumer;

public static class Report
{
    public static string Create(string folder)
    {
        var text = new StringBuilder();
        float[] y = new float[2];
        TinyEmbedded.ForwardEmbedded([0.5f, -1f, 2f], y);
        text.AppendLine("embedded: " + Join(y));
        text.AppendLine("embedded parameters: " + TinyEmbedded.EmbeddedParameters.Length);

        var xor = new Xor(seed: 3);
        var sgd = new NetGen.Training.Sgd(0.5f);
        float[][] inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
        float[][] targets = [[0], [1], [1], [0]];
        for (int epoch = 0; epoch < 500; epoch++)
        {
            for (int i = 0; i < 4; i++)
            {
                xor.Backward(inputs[i], targets[i]);
            }
            sgd.Step(xor, batchSize: 4);
        }
        string path = Path.Combine(folder, "xor.safetensors");
        SafeTensors.Save(xor, path);
        var loaded = new Xor(seed: 99);
        SafeTensors.Load(loaded, path);
        float[] o = new float[1];
        var outputs = new List<float>();
        foreach (float[] x in inputs)
        {
            loaded.Forward(x, o);
            outputs.Add(o[0]);
        }
        text.AppendLine("xor after training, saved and loaded: " + Join(outputs.ToArray()));
        text.AppendLine("tensors: " + string.Join(" ", StateDict.Tensors(loaded).Select(t => t.Name + t.ShapeText.Replace(" ", ""))));
        return text.ToString();
    }

    private static string Join(float[] values) => string.Join(" ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
