;; The replicas' gradient sum (replicas/reduce.ts) in SIMD128: `parts` blocks of n floats lie end
;; to end from byte 0 (n a multiple of 4), and block 0 becomes ((b0 + b1) + b2) + …, part by part,
;; each add an f32x4.add: the float32 adds of the JS loop and of tf.add, four at a time. This module
;; owns its memory (the caller copies blocks in and the sum out) and needs no tensor heap.
(module
  (memory (export "memory") 1)
  (func (export "sum") (param $parts i32) (param $n i32)
    (local $k i32) (local $src i32) (local $at i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $k (i32.const 1))
    (block $done (loop $part
      (br_if $done (i32.ge_u (local.get $k) (local.get $parts)))
      (local.set $src (i32.mul (local.get $k) (local.get $bytes)))
      (local.set $at (i32.const 0))
      (block $end (loop $next
        (br_if $end (i32.ge_u (local.get $at) (local.get $bytes)))
        (v128.store (local.get $at) (f32x4.add (v128.load (local.get $at)) (v128.load (i32.add (local.get $src) (local.get $at)))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $part))))
)
