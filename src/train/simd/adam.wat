;; One Adam step of one parameter in a single SIMD128 pass over tfjs-wasm's heap (adam.ts). The
;; operations, their order and their float32 constants are the tensor form's (twelve kernels, each a
;; pass over the parameter), and every one rounds to float32 as theirs do, so the result is theirs
;; bit for bit (test/train/adam.test.ts). Writes new p, m, v: a weight is never changed in place,
;; because XNNPACK caches a weight's packed form by tensor.
(module
  (import "env" "memory" (memory 1))

  ;; m' = m·b1 + g·c1; v' = v·b2 + g²·c2; p' = p·keep − m' / (√(v' / d2) + eps) · s
  (func $lanes (param $p v128) (param $g v128) (param $m v128) (param $v v128)
    (param $b1 v128) (param $c1 v128) (param $b2 v128) (param $c2 v128) (param $d2 v128) (param $eps v128) (param $s v128) (param $keep v128)
    (result v128 v128 v128)
    (local $m2 v128) (local $v2 v128)
    (local.set $m2 (f32x4.add (f32x4.mul (local.get $m) (local.get $b1)) (f32x4.mul (local.get $g) (local.get $c1))))
    (local.set $v2 (f32x4.add (f32x4.mul (local.get $v) (local.get $b2)) (f32x4.mul (f32x4.mul (local.get $g) (local.get $g)) (local.get $c2))))
    (f32x4.sub (f32x4.mul (local.get $p) (local.get $keep))
      (f32x4.mul (f32x4.div (local.get $m2) (f32x4.add (f32x4.sqrt (f32x4.div (local.get $v2) (local.get $d2))) (local.get $eps))) (local.get $s)))
    (local.get $m2)
    (local.get $v2))

  (func (export "adam") (param $p i32) (param $g i32) (param $m i32) (param $v i32)
    (param $po i32) (param $mo i32) (param $vo i32) (param $n i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32) (param $d2 f32) (param $eps f32) (param $s f32) (param $keep f32)
    (local $at i32) (local $end i32) (local $vec i32) (local $r v128) (local $rm v128) (local $rv v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    ;; Whole vectors first, then the last n mod 4 values one lane at a time (the same math).
    (local.set $vec (i32.and (local.get $end) (i32.const -16)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $at) (local.get $vec)))
      (call $lanes
        (v128.load (i32.add (local.get $p) (local.get $at))) (v128.load (i32.add (local.get $g) (local.get $at)))
        (v128.load (i32.add (local.get $m) (local.get $at))) (v128.load (i32.add (local.get $v) (local.get $at)))
        (f32x4.splat (local.get $b1)) (f32x4.splat (local.get $c1)) (f32x4.splat (local.get $b2)) (f32x4.splat (local.get $c2))
        (f32x4.splat (local.get $d2)) (f32x4.splat (local.get $eps)) (f32x4.splat (local.get $s)) (f32x4.splat (local.get $keep)))
      (local.set $rv) (local.set $rm) (local.set $r)
      (v128.store (i32.add (local.get $po) (local.get $at)) (local.get $r))
      (v128.store (i32.add (local.get $mo) (local.get $at)) (local.get $rm))
      (v128.store (i32.add (local.get $vo) (local.get $at)) (local.get $rv))
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (br $next)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
      (call $lanes
        (f32x4.splat (f32.load (i32.add (local.get $p) (local.get $at)))) (f32x4.splat (f32.load (i32.add (local.get $g) (local.get $at))))
        (f32x4.splat (f32.load (i32.add (local.get $m) (local.get $at)))) (f32x4.splat (f32.load (i32.add (local.get $v) (local.get $at))))
        (f32x4.splat (local.get $b1)) (f32x4.splat (local.get $c1)) (f32x4.splat (local.get $b2)) (f32x4.splat (local.get $c2))
        (f32x4.splat (local.get $d2)) (f32x4.splat (local.get $eps)) (f32x4.splat (local.get $s)) (f32x4.splat (local.get $keep)))
      (local.set $rv) (local.set $rm) (local.set $r)
      (f32.store (i32.add (local.get $po) (local.get $at)) (f32x4.extract_lane 0 (local.get $r)))
      (f32.store (i32.add (local.get $mo) (local.get $at)) (f32x4.extract_lane 0 (local.get $rm)))
      (f32.store (i32.add (local.get $vo) (local.get $at)) (f32x4.extract_lane 0 (local.get $rv)))
      (local.set $at (i32.add (local.get $at) (i32.const 4)))
      (br $next))))
)
