"""PyTorch's side of bench/gemm.ts: float32 GEMM GFLOP per wall-second and per CPU-second (MKL).

    /work/pyvenv/bin/python bench/torch_gemm.py --threads 1
"""
import argparse, json, time
import torch

ap = argparse.ArgumentParser()
ap.add_argument('--threads', type=int, default=1)
a = ap.parse_args()
torch.set_num_threads(a.threads)
# The last two are the AWD config's: one time step's recurrent product, and the tied head (bench/gemm.ts).
for (m, k, n), reps in (((512, 512, 512), 20), ((1024, 1024, 1024), 5), ((559, 400, 60000), 2), ((32, 1152, 4608), 40), ((2304, 400, 20056), 2)):
    x, y = torch.randn(m, k), torch.randn(k, n)
    (x @ y)
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(reps):
        (x @ y)
    w, c = time.perf_counter() - t0, time.process_time() - c0
    fl = 2 * m * k * n * reps
    print(json.dumps({'runtime': f'torch-{torch.__version__}', 'threads': a.threads, 'shape': [m, k, n], 'gflops_wall': round(fl / w / 1e9, 1), 'gflop_per_cpu_s': round(fl / c / 1e9, 1)}))
