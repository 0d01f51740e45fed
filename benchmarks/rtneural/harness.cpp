// RTNeural side of NetGen's `compare` / `-- rtneural` / `-- streaming` (the NETGEN_RTNEURAL_BENCH protocol, benchmarks/README.md).
// NetGen's own code; RTNeural itself is not in this repository: build.sh takes it from a path or clones it at a pinned commit.
// Compiled three times, with RTNEURAL_USE_EIGEN, RTNEURAL_USE_XSIMD or neither (STL); BACKEND_NAME names the backend.
#include <RTNeural/RTNeural.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef BACKEND_NAME
#error "define BACKEND_NAME"
#endif

struct LayerSpec
{
    std::string kind = "dense"; // dense | gru | lstm | conv1d (protocol 2)
    int in, out;
    std::string act;
    std::vector<std::vector<float>> w; // dense: [out][in]; gru/lstm: weight_ih [G*H][in]
    std::vector<float> b;              // dense: [out]; gru/lstm: bias_ih [G*H]; conv1d: [out]
    std::vector<std::vector<float>> u; // gru/lstm: weight_hh [G*H][H]
    std::vector<float> bh;             // gru/lstm: bias_hh [G*H]
    int kernel = 0, dilation = 1;      // conv1d
    std::vector<std::vector<std::vector<float>>> k; // conv1d: [out][in][kernel], PyTorch's layout
};

static void readRows(std::ifstream& f, std::vector<std::vector<float>>& m, int rows, int cols)
{
    m.assign(rows, std::vector<float>(cols));
    for(auto& row : m)
        for(auto& v : row)
            f >> v;
}

static void readRow(std::ifstream& f, std::vector<float>& v, int n)
{
    v.resize(n);
    for(auto& x : v)
        f >> x;
}

struct WorkloadFile
{
    std::string name;
    std::vector<LayerSpec> layers;
    int samples = 0, in = 0;
    std::vector<float> inputs; // samples × in
};

static bool readWorkload(const std::string& path, WorkloadFile& wf)
{
    std::ifstream f(path);
    if(!f)
        return false;
    std::string magic;
    int version;
    f >> magic >> version >> wf.name;
    if(magic != "netgen-rtneural" || (version != 1 && version != 2))
    {
        std::fprintf(stderr, "%s: not a netgen-rtneural 1 or 2 file\n", path.c_str());
        std::exit(2);
    }
    std::string key;
    int n;
    f >> key >> n;
    wf.layers.resize(n);
    for(auto& l : wf.layers)
    {
        f >> l.kind;
        if(l.kind == "dense")
        {
            f >> l.in >> l.out >> l.act;
            readRows(f, l.w, l.out, l.in);
            readRow(f, l.b, l.out);
        }
        else if(version == 2 && (l.kind == "gru" || l.kind == "lstm"))
        {
            // gru|lstm IN H, then weight_ih_l0 [G*H rows of IN], weight_hh_l0 [G*H rows of H], bias_ih_l0, bias_hh_l0 (PyTorch)
            f >> l.in >> l.out;
            int rows = (l.kind == "gru" ? 3 : 4) * l.out;
            readRows(f, l.w, rows, l.in);
            readRows(f, l.u, rows, l.out);
            readRow(f, l.b, rows);
            readRow(f, l.bh, rows);
        }
        else if(version == 2 && l.kind == "conv1d")
        {
            // conv1d IN OUT KERNEL DILATION ACT, then OUT*IN rows of KERNEL weights (weight[o][i][:]), one row of OUT biases
            f >> l.in >> l.out >> l.kernel >> l.dilation >> l.act;
            l.k.assign(l.out, std::vector<std::vector<float>>(l.in, std::vector<float>(l.kernel)));
            for(auto& o : l.k)
                for(auto& i : o)
                    for(auto& v : i)
                        f >> v;
            readRow(f, l.b, l.out);
        }
        else
        {
            std::fprintf(stderr, "%s: unknown layer kind %s\n", path.c_str(), l.kind.c_str());
            std::exit(2);
        }
    }
    f >> key >> wf.samples;
    wf.in = wf.layers[0].in;
    wf.inputs.resize((size_t)wf.samples * wf.in);
    for(auto& v : wf.inputs)
        f >> v;
    if(!f)
    {
        std::fprintf(stderr, "%s: truncated\n", path.c_str());
        std::exit(2);
    }
    return true;
}

static void expectShape(const WorkloadFile& wf, std::initializer_list<std::tuple<int, int, const char*>> shape)
{
    bool ok = wf.layers.size() == shape.size();
    size_t i = 0;
    for(auto& s : shape)
    {
        if(!ok)
            break;
        const auto& l = wf.layers[i];
        ok = l.in == std::get<0>(s) && l.out == std::get<1>(s) && (l.kind == "dense" ? l.act : l.kind) == std::get<2>(s);
        i++;
    }
    if(!ok)
    {
        std::fprintf(stderr, "%s: shape differs from the compiled model\n", wf.name.c_str());
        std::exit(2);
    }
}

template <typename Dense>
static void loadDense(Dense& d, const LayerSpec& l)
{
    d.setWeights(l.w);
    d.setBias(l.b.data());
}

// RTNeural's recurrent layers take Keras' layout: kernels transposed ([in][G*H]); a GRU's gates in the order z, r, n
// (PyTorch's r, z swapped) with both biases as two rows, an LSTM's (i, f, g, o as PyTorch) with the two biases summed.
// The same conversion as RTNeural's torch_helpers::loadGRU / loadLSTM.
static std::vector<std::vector<float>> transposed(const std::vector<std::vector<float>>& m)
{
    std::vector<std::vector<float>> t(m[0].size(), std::vector<float>(m.size()));
    for(size_t r = 0; r < m.size(); r++)
        for(size_t c = 0; c < m[r].size(); c++)
            t[c][r] = m[r][c];
    return t;
}

static void swapRz(std::vector<float>& v, int h)
{
    std::swap_ranges(v.begin(), v.begin() + h, v.begin() + h);
}

template <typename Gru>
static void loadGru(Gru& g, const LayerSpec& l)
{
    auto w = transposed(l.w), u = transposed(l.u);
    for(auto& row : w)
        swapRz(row, l.out);
    for(auto& row : u)
        swapRz(row, l.out);
    std::vector<std::vector<float>> b { l.b, l.bh };
    for(auto& row : b)
        swapRz(row, l.out);
    g.setWVals(w);
    g.setUVals(u);
    g.setBVals(b);
}

template <typename Lstm>
static void loadLstm(Lstm& m, const LayerSpec& l)
{
    m.setWVals(transposed(l.w));
    m.setUVals(transposed(l.u));
    std::vector<float> b(l.b.size());
    for(size_t i = 0; i < b.size(); i++)
        b[i] = l.b[i] + l.bh[i];
    m.setBVals(b);
}

template <typename Conv>
static void loadConv(Conv& c, const LayerSpec& l)
{
    auto k = l.k; // RTNeural's Conv1D keeps each kernel reversed (torch_helpers::loadConv1D)
    for(auto& o : k)
        for(auto& i : o)
            std::reverse(i.begin(), i.end());
    c.setWeights(k);
    c.setBias(l.b);
}

static int g_rounds = 201;
static double g_minSeconds = 0.4;

template <typename Model>
static void run(const WorkloadFile& wf, Model& model)
{
    constexpr int in = Model::input_size, out = Model::output_size;
    // Each sample in its own 64-byte-aligned slot padded to 16 floats: RTNeural's xsimd backend loads whole registers.
    const int stride = ((in + 15) / 16) * 16;
    const int n = wf.samples;
    float* x = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * (size_t)stride * n));
    std::memset(x, 0, sizeof(float) * (size_t)stride * n);
    for(int s = 0; s < n; s++)
        std::copy(&wf.inputs[(size_t)s * in], &wf.inputs[(size_t)s * in] + in, x + (size_t)s * stride);
    std::vector<float> y((size_t)n * out);

    auto pass = [&]
    {
        for(int s = 0; s < n; s++)
        {
            model.forward(x + (size_t)s * stride);
            const float* o = model.getOutputs();
            for(int k = 0; k < out; k++)
                y[(size_t)s * out + k] = o[k];
        }
    };
    model.reset();
    pass();
    std::printf("outputs %s %s", wf.name.c_str(), BACKEND_NAME);
    for(float v : y)
        std::printf(" %.9g", v);
    std::printf("\n");

    using clock = std::chrono::steady_clock;
    auto start = clock::now();
    while(std::chrono::duration<double>(clock::now() - start).count() < 0.1)
        pass();
    std::vector<double> times;
    start = clock::now();
    while((int)times.size() < g_rounds || std::chrono::duration<double>(clock::now() - start).count() < g_minSeconds)
    {
        auto t0 = clock::now();
        pass();
        auto t1 = clock::now();
        times.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / n);
        asm volatile("" ::"r"(y.data()) : "memory");
    }
    std::sort(times.begin(), times.end());
    std::printf("result %s %s %.3f %.3f\n", wf.name.c_str(), BACKEND_NAME, times[times.size() / 2], times[0]);
    std::fflush(stdout);
    std::free(x);
}

using namespace RTNeural;

int main(int argc, char** argv)
{
    if(argc < 2)
    {
        std::fprintf(stderr, "usage: %s DIR [--quick]\n", argv[0]);
        return 2;
    }
    std::string dir = argv[1];
    if(argc > 2 && std::strcmp(argv[2], "--quick") == 0)
    {
        g_rounds = 21;
        g_minSeconds = 0.05;
    }
    std::printf("info %s: RTNeural compile-time API (ModelT), g++ %d.%d, -O3 -march=native\n", BACKEND_NAME, __GNUC__, __GNUC_MINOR__);
    WorkloadFile wf;
    if(readWorkload(dir + "/W1.txt", wf))
    {
        expectShape(wf, { { 2, 4, "tanh" }, { 4, 1, "sigmoid" } });
        static ModelT<float, 2, 1, DenseT<float, 2, 4>, TanhActivationT<float, 4>, DenseT<float, 4, 1>, SigmoidActivationT<float, 1>> m;
        loadDense(m.get<0>(), wf.layers[0]);
        loadDense(m.get<2>(), wf.layers[1]);
        run(wf, m);
    }
    if(readWorkload(dir + "/W2.txt", wf))
    {
        expectShape(wf, { { 64, 32, "relu" }, { 32, 10, "softmax" } });
        static ModelT<float, 64, 10, DenseT<float, 64, 32>, ReLuActivationT<float, 32>, DenseT<float, 32, 10>, SoftmaxActivationT<float, 10>> m;
        loadDense(m.get<0>(), wf.layers[0]);
        loadDense(m.get<2>(), wf.layers[1]);
        run(wf, m);
    }
    if(readWorkload(dir + "/W3.txt", wf))
    {
        expectShape(wf, { { 784, 128, "relu" }, { 128, 64, "relu" }, { 64, 10, "softmax" } });
        static ModelT<float, 784, 10, DenseT<float, 784, 128>, ReLuActivationT<float, 128>, DenseT<float, 128, 64>, ReLuActivationT<float, 64>,
            DenseT<float, 64, 10>, SoftmaxActivationT<float, 10>> m;
        loadDense(m.get<0>(), wf.layers[0]);
        loadDense(m.get<2>(), wf.layers[1]);
        loadDense(m.get<4>(), wf.layers[2]);
        run(wf, m);
    }
    if(readWorkload(dir + "/W4.txt", wf))
    {
        expectShape(wf, { { 1, 8, "tanh" }, { 8, 8, "tanh" }, { 8, 1, "identity" } });
        static ModelT<float, 1, 1, DenseT<float, 1, 8>, TanhActivationT<float, 8>, DenseT<float, 8, 8>, TanhActivationT<float, 8>, DenseT<float, 8, 1>> m;
        loadDense(m.get<0>(), wf.layers[0]);
        loadDense(m.get<2>(), wf.layers[1]);
        loadDense(m.get<4>(), wf.layers[2]);
        run(wf, m);
    }
    // Protocol 2: streaming workloads, one sample per forward, the layers' state carried from sample to sample
    // (model.reset() before the pass whose outputs are printed; the timed passes continue the stream).
    if(readWorkload(dir + "/S1.txt", wf))
    {
        expectShape(wf, { { 1, 8, "gru" }, { 8, 1, "identity" } });
        static ModelT<float, 1, 1, GRULayerT<float, 1, 8>, DenseT<float, 8, 1>> m;
        loadGru(m.get<0>(), wf.layers[0]);
        loadDense(m.get<1>(), wf.layers[1]);
        run(wf, m);
    }
    if(readWorkload(dir + "/S2.txt", wf))
    {
        expectShape(wf, { { 1, 16, "lstm" }, { 16, 1, "identity" } });
        static ModelT<float, 1, 1, LSTMLayerT<float, 1, 16>, DenseT<float, 16, 1>> m;
        loadLstm(m.get<0>(), wf.layers[0]);
        loadDense(m.get<1>(), wf.layers[1]);
        run(wf, m);
    }
    if(readWorkload(dir + "/S3.txt", wf))
    {
        expectShape(wf, { { 1, 8, "gru" }, { 8, 8, "gru" }, { 8, 8, "gru" }, { 8, 8, "gru" }, { 8, 1, "identity" } });
        static ModelT<float, 1, 1, GRULayerT<float, 1, 8>, GRULayerT<float, 8, 8>, GRULayerT<float, 8, 8>, GRULayerT<float, 8, 8>, DenseT<float, 8, 1>> m;
        loadGru(m.get<0>(), wf.layers[0]);
        loadGru(m.get<1>(), wf.layers[1]);
        loadGru(m.get<2>(), wf.layers[2]);
        loadGru(m.get<3>(), wf.layers[3]);
        loadDense(m.get<4>(), wf.layers[4]);
        run(wf, m);
    }
    if(readWorkload(dir + "/S4.txt", wf))
    {
        expectShape(wf, { { 1, 12, "conv1d" }, { 12, 1, "identity" } });
        if(wf.layers[0].kernel != 5 || wf.layers[0].dilation != 1 || wf.layers[0].act != "identity")
        {
            std::fprintf(stderr, "S4: the compiled model is Conv1D(1 -> 12, kernel 5, dilation 1, identity)\n");
            std::exit(2);
        }
        static ModelT<float, 1, 1, Conv1DT<float, 1, 12, 5, 1>, DenseT<float, 12, 1>> m;
        loadConv(m.get<0>(), wf.layers[0]);
        loadDense(m.get<1>(), wf.layers[1]);
        run(wf, m);
    }
    return 0;
}
