;; Dropout masks (rng.ts's dropMask) in SIMD128: mulberry32's draw i depends only on its state
;; seed + (i + 1)·0x6d2b79f5, so four lanes draw four consecutive values at once. Value i is 0 where
;; draw i < cut (unsigned), else keep. This module owns its memory (the mask is written from byte 0,
;; whole vectors, so up to 3 values past n) and needs no tensor heap: it serves every backend.
(module
  (memory (export "memory") 1)
  (func (export "mask") (param $n i32) (param $seed i32) (param $cut i32) (param $keep f32)
    (local $at i32) (local $end i32) (local $a v128) (local $t v128) (local $cutv v128) (local $keepv v128) (local $step4 v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $a (i32x4.add (i32x4.splat (local.get $seed)) (v128.const i32x4 0x6d2b79f5 0xda56f3ea 0x47826ddf 0xb4ade7d4)))
    (local.set $step4 (i32x4.splat (i32.const 0xb4ade7d4)))
    (local.set $cutv (i32x4.splat (local.get $cut)))
    (local.set $keepv (f32x4.splat (local.get $keep)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
      ;; t = imul(a ^ (a >>> 15), a | 1); t ^= t + imul(t ^ (t >>> 7), t | 61); u = t ^ (t >>> 14)
      (local.set $t (i32x4.mul (v128.xor (local.get $a) (i32x4.shr_u (local.get $a) (i32.const 15)))
                               (v128.or (local.get $a) (v128.const i32x4 1 1 1 1))))
      (local.set $t (v128.xor (local.get $t)
        (i32x4.add (local.get $t) (i32x4.mul (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 7)))
                                             (v128.or (local.get $t) (v128.const i32x4 61 61 61 61))))))
      (local.set $t (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 14))))
      (v128.store (local.get $at) (v128.andnot (local.get $keepv) (i32x4.lt_u (local.get $t) (local.get $cutv))))
      (local.set $a (i32x4.add (local.get $a) (local.get $step4)))
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (br $next))))
)
