;; Row softmax for the loss's gradient (loss.ts), in SIMD128 on tfjs-wasm's heap: per row of z
;; [rows, v] its max m, e = exp(z − m) and s = Σ e; writes g = e / s and stats = [m, s] per row,
;; from which loss.ts takes −log softmax at the target (log s + m − z_t) and subtracts the one-hot.
(module
  (import "env" "memory" (memory 1))

  ;; exp(x) for x ≤ 0 (Cephes expf: x = n·ln2 + r, e^r a degree-7 polynomial, 2^n in the exponent
  ;; bits); below −87 it returns e^−87 ≈ 1.6e-38, where the true value would underflow to 0.
  (func $exp (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.max (local.get $x) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    ;; r = x − n·ln2, with ln2 split in two so that n·C1 is exact.
    (local.set $r (f32x4.sub (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
                             (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $r) (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
                             (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $r) (local.get $p)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $r) (local.get $p)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $r) (local.get $p)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $r) (local.get $p)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    ;; e^r = 1 + r + r²·p
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $r) (local.get $r)) (local.get $p)) (local.get $r))
                             (v128.const f32x4 1 1 1 1)))
    ;; · 2^n: n added to the exponent field.
    (i32x4.add (local.get $p) (i32x4.shl (i32x4.trunc_sat_f32x4_s (local.get $n)) (i32.const 23))))

  (func (export "rows") (param $z i32) (param $g i32) (param $stats i32) (param $rows i32) (param $v i32)
    (local $row i32) (local $zr i32) (local $gr i32) (local $at i32) (local $end i32) (local $vec i32)
    (local $mx v128) (local $acc v128) (local $e v128) (local $m f32) (local $s f32) (local $inv v128)
    (local.set $end (i32.shl (local.get $v) (i32.const 2)))
    (local.set $vec (i32.and (local.get $end) (i32.const -16)))
    (block $rdone (loop $rnext
      (br_if $rdone (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $zr (i32.add (local.get $z) (i32.mul (local.get $row) (local.get $end))))
      (local.set $gr (i32.add (local.get $g) (i32.mul (local.get $row) (local.get $end))))
      ;; The row's max.
      (local.set $mx (v128.const f32x4 -inf -inf -inf -inf))
      (local.set $at (i32.const 0))
      (block $d (loop $l
        (br_if $d (i32.ge_u (local.get $at) (local.get $vec)))
        (local.set $mx (f32x4.max (local.get $mx) (v128.load (i32.add (local.get $zr) (local.get $at)))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $l)))
      (local.set $m (f32.max (f32.max (f32x4.extract_lane 0 (local.get $mx)) (f32x4.extract_lane 1 (local.get $mx)))
                             (f32.max (f32x4.extract_lane 2 (local.get $mx)) (f32x4.extract_lane 3 (local.get $mx)))))
      (block $d (loop $l
        (br_if $d (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $m (f32.max (local.get $m) (f32.load (i32.add (local.get $zr) (local.get $at)))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $l)))
      ;; e = exp(z − m) into g, and its sum.
      (local.set $mx (f32x4.splat (local.get $m)))
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $at (i32.const 0))
      (block $d (loop $l
        (br_if $d (i32.ge_u (local.get $at) (local.get $vec)))
        (local.set $e (call $exp (f32x4.sub (v128.load (i32.add (local.get $zr) (local.get $at))) (local.get $mx))))
        (v128.store (i32.add (local.get $gr) (local.get $at)) (local.get $e))
        (local.set $acc (f32x4.add (local.get $acc) (local.get $e)))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $l)))
      (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                             (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
      (block $d (loop $l
        (br_if $d (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $e (call $exp (f32x4.sub (f32x4.splat (f32.load (i32.add (local.get $zr) (local.get $at)))) (local.get $mx))))
        (f32.store (i32.add (local.get $gr) (local.get $at)) (f32x4.extract_lane 0 (local.get $e)))
        (local.set $s (f32.add (local.get $s) (f32x4.extract_lane 0 (local.get $e))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $l)))
      ;; g = e / s
      (local.set $inv (f32x4.splat (f32.div (f32.const 1) (local.get $s))))
      (local.set $at (i32.const 0))
      (block $d (loop $l
        (br_if $d (i32.ge_u (local.get $at) (local.get $vec)))
        (v128.store (i32.add (local.get $gr) (local.get $at)) (f32x4.mul (v128.load (i32.add (local.get $gr) (local.get $at))) (local.get $inv)))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $l)))
      (block $d (loop $l
        (br_if $d (i32.ge_u (local.get $at) (local.get $end)))
        (f32.store (i32.add (local.get $gr) (local.get $at)) (f32.mul (f32.load (i32.add (local.get $gr) (local.get $at))) (f32x4.extract_lane 0 (local.get $inv))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $l)))
      (f32.store (i32.add (local.get $stats) (i32.shl (local.get $row) (i32.const 3))) (local.get $m))
      (f32.store (i32.add (local.get $stats) (i32.add (i32.shl (local.get $row) (i32.const 3)) (i32.const 4))) (local.get $s))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rnext)))))
