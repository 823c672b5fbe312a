;; Kernels for dense layers, f32x4 SIMD, on float32 row-major data in the imported memory.
;;   gemm:  C[m×n] = A·B (mode 0), A·B + bias (mode 1) or C + A·B (mode 2), where
;;          A(i, q) = f32 at a + i·aRow + q·aRed (byte strides: X·W and Xᵀ·dZ are the same loop)
;;          B(q, j) = f32 at b + q·bRed + 4j (rows of B contiguous)
;;          C(i, j) = f32 at c + i·cRow + 4j (cRow ≥ 4n: C may be a block of columns of a wider matrix)
;;   transpose: dst[cols×rows] = (or +=) src[rows×cols]ᵀ, so every product becomes a gemm with rows of B
;;          contiguous and A walked along its rows (see runtime.ts for which operand is transposed); rows
;;          of src are sRow bytes apart and rows of dst dRow bytes (blocks of wider matrices).
;;   sumsq: Σ x² in f64 (gradient norms); finite: 1 when no value is ±∞ or NaN (weights after a step);
;;   axpy: y += α·x (the SGD update); relu, reluBackward: a = z > 0 ? z : 0 and dz = z > 0 ? da : 0;
;;   tanh, tanhBackward: a = tanh z and dz = da·(1 − a²), in f64 like activations.ts (the same bits);
;;   sumRows: the column sums of a matrix (a dense layer's bias gradient), in f32 like matmul.ts.
;; Tiles of 4 rows × 8 columns keep 8 accumulators in registers: each step of q loads 2 vectors of B and
;; splats 4 values of A for 8 vector multiply-adds. Edges: 1×8 tiles, then 1×4, then scalars.
;; This source uses f32x4.relaxed_madd (a·b + c, fused where the CPU can); the build also writes a
;; plain-SIMD module with f32x4.mul + f32x4.add in its place.
(module
  (import "env" "memory" (memory 1))

  (func $gemm (export "gemm")
    (param $a i32) (param $aRow i32) (param $aRed i32) (param $b i32) (param $bRed i32)
    (param $c i32) (param $cRow i32) (param $m i32) (param $K i32) (param $n i32) (param $bias i32)
    (param $mode i32)
    (local $i i32) (local $j i32) (local $q i32) (local $m4 i32) (local $n8 i32) (local $n4 i32)
    (local $cp i32) (local $bp i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32)
    (local $va v128) (local $vb0 v128) (local $vb1 v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $s f32) (local $isAcc i32) (local $ap i32)
    (local $s1 f32) (local $s2 f32) (local $s3 f32) (local $bq f32)
    ;; A tile's sums are stored plus the bias (mode 1) or the old C (mode 2): select(sum + load(ap), sum,
    ;; mode), ap the C address in mode 2 and the bias's otherwise (mode 0: bias 0, the load unused). Written
    ;; out at every store rather than called: V8 does not inline wasm calls.
    (local.set $isAcc (i32.eq (local.get $mode) (i32.const 2)))
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (local.set $n8 (i32.and (local.get $n) (i32.const -8)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))

    ;; Columns in panels of 8.
    (local.set $j (i32.const 0))
    (block $jDone (loop $jLoop
      (br_if $jDone (i32.ge_u (local.get $j) (local.get $n8)))
      (local.set $bp (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))
      ;; 4×8 tiles.
      (local.set $i (i32.const 0))
      (block $iDone (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $m4)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
        (local.set $pa1 (i32.add (local.get $pa0) (local.get $aRow)))
        (local.set $pa2 (i32.add (local.get $pa1) (local.get $aRow)))
        (local.set $pa3 (i32.add (local.get $pa2) (local.get $aRow)))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $s00 (v128.const i32x4 0 0 0 0)) (local.set $s01 (v128.const i32x4 0 0 0 0))
        (local.set $s10 (v128.const i32x4 0 0 0 0)) (local.set $s11 (v128.const i32x4 0 0 0 0))
        (local.set $s20 (v128.const i32x4 0 0 0 0)) (local.set $s21 (v128.const i32x4 0 0 0 0))
        (local.set $s30 (v128.const i32x4 0 0 0 0)) (local.set $s31 (v128.const i32x4 0 0 0 0))
        (local.set $q (local.get $K))
        (block $qDone (loop $qLoop
          (br_if $qDone (i32.eqz (local.get $q)))
          (local.set $vb0 (v128.load (local.get $pb)))
          (local.set $vb1 (v128.load offset=16 (local.get $pb)))
          (local.set $va (v128.load32_splat (local.get $pa0)))
          (local.set $s00 (f32x4.relaxed_madd (local.get $va) (local.get $vb0) (local.get $s00)))
          (local.set $s01 (f32x4.relaxed_madd (local.get $va) (local.get $vb1) (local.get $s01)))
          (local.set $va (v128.load32_splat (local.get $pa1)))
          (local.set $s10 (f32x4.relaxed_madd (local.get $va) (local.get $vb0) (local.get $s10)))
          (local.set $s11 (f32x4.relaxed_madd (local.get $va) (local.get $vb1) (local.get $s11)))
          (local.set $va (v128.load32_splat (local.get $pa2)))
          (local.set $s20 (f32x4.relaxed_madd (local.get $va) (local.get $vb0) (local.get $s20)))
          (local.set $s21 (f32x4.relaxed_madd (local.get $va) (local.get $vb1) (local.get $s21)))
          (local.set $va (v128.load32_splat (local.get $pa3)))
          (local.set $s30 (f32x4.relaxed_madd (local.get $va) (local.get $vb0) (local.get $s30)))
          (local.set $s31 (f32x4.relaxed_madd (local.get $va) (local.get $vb1) (local.get $s31)))
          (local.set $pa0 (i32.add (local.get $pa0) (local.get $aRed)))
          (local.set $pa1 (i32.add (local.get $pa1) (local.get $aRed)))
          (local.set $pa2 (i32.add (local.get $pa2) (local.get $aRed)))
          (local.set $pa3 (i32.add (local.get $pa3) (local.get $aRed)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRed)))
          (local.set $q (i32.sub (local.get $q) (i32.const 1)))
          (br $qLoop)))
        ;; Store the 4 rows of the tile.
        (local.set $cp (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $i) (local.get $cRow)) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $ap (select (local.get $cp) (local.get $bp) (local.get $isAcc)))
        (v128.store (local.get $cp)
          (select (f32x4.add (local.get $s00) (v128.load (local.get $ap))) (local.get $s00) (local.get $mode)))
        (v128.store offset=16 (local.get $cp)
          (select (f32x4.add (local.get $s01) (v128.load offset=16 (local.get $ap)))
            (local.get $s01) (local.get $mode)))
        (local.set $cp (i32.add (local.get $cp) (local.get $cRow)))
        (local.set $ap (select (local.get $cp) (local.get $bp) (local.get $isAcc)))
        (v128.store (local.get $cp)
          (select (f32x4.add (local.get $s10) (v128.load (local.get $ap))) (local.get $s10) (local.get $mode)))
        (v128.store offset=16 (local.get $cp)
          (select (f32x4.add (local.get $s11) (v128.load offset=16 (local.get $ap)))
            (local.get $s11) (local.get $mode)))
        (local.set $cp (i32.add (local.get $cp) (local.get $cRow)))
        (local.set $ap (select (local.get $cp) (local.get $bp) (local.get $isAcc)))
        (v128.store (local.get $cp)
          (select (f32x4.add (local.get $s20) (v128.load (local.get $ap))) (local.get $s20) (local.get $mode)))
        (v128.store offset=16 (local.get $cp)
          (select (f32x4.add (local.get $s21) (v128.load offset=16 (local.get $ap)))
            (local.get $s21) (local.get $mode)))
        (local.set $cp (i32.add (local.get $cp) (local.get $cRow)))
        (local.set $ap (select (local.get $cp) (local.get $bp) (local.get $isAcc)))
        (v128.store (local.get $cp)
          (select (f32x4.add (local.get $s30) (v128.load (local.get $ap))) (local.get $s30) (local.get $mode)))
        (v128.store offset=16 (local.get $cp)
          (select (f32x4.add (local.get $s31) (v128.load offset=16 (local.get $ap)))
            (local.get $s31) (local.get $mode)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iLoop)))
      ;; Leftover rows: 1×8 tiles.
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $s00 (v128.const i32x4 0 0 0 0)) (local.set $s01 (v128.const i32x4 0 0 0 0))
        (local.set $q (local.get $K))
        (block $qDone (loop $qLoop
          (br_if $qDone (i32.eqz (local.get $q)))
          (local.set $va (v128.load32_splat (local.get $pa0)))
          (local.set $s00 (f32x4.relaxed_madd (local.get $va) (v128.load (local.get $pb)) (local.get $s00)))
          (local.set $s01
            (f32x4.relaxed_madd (local.get $va) (v128.load offset=16 (local.get $pb)) (local.get $s01)))
          (local.set $pa0 (i32.add (local.get $pa0) (local.get $aRed)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRed)))
          (local.set $q (i32.sub (local.get $q) (i32.const 1)))
          (br $qLoop)))
        (local.set $cp (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $i) (local.get $cRow)) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $ap (select (local.get $cp) (local.get $bp) (local.get $isAcc)))
        (v128.store (local.get $cp)
          (select (f32x4.add (local.get $s00) (v128.load (local.get $ap))) (local.get $s00) (local.get $mode)))
        (v128.store offset=16 (local.get $cp)
          (select (f32x4.add (local.get $s01) (v128.load offset=16 (local.get $ap)))
            (local.get $s01) (local.get $mode)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rLoop)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $jLoop)))

    ;; A leftover panel of 4 columns, one row at a time.
    (if (i32.lt_u (local.get $j) (local.get $n4)) (then
      (local.set $bp (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $i (i32.const 0))
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $s00 (v128.const i32x4 0 0 0 0))
        (local.set $q (local.get $K))
        (block $qDone (loop $qLoop
          (br_if $qDone (i32.eqz (local.get $q)))
          (local.set $s00 (f32x4.relaxed_madd
            (v128.load32_splat (local.get $pa0)) (v128.load (local.get $pb)) (local.get $s00)))
          (local.set $pa0 (i32.add (local.get $pa0) (local.get $aRed)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRed)))
          (local.set $q (i32.sub (local.get $q) (i32.const 1)))
          (br $qLoop)))
        (local.set $cp (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $i) (local.get $cRow)) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $ap (select (local.get $cp) (local.get $bp) (local.get $isAcc)))
        (v128.store (local.get $cp)
          (select (f32x4.add (local.get $s00) (v128.load (local.get $ap))) (local.get $s00) (local.get $mode)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rLoop)))
      (local.set $j (local.get $n4))))

    ;; Leftover columns (fewer than 4), one value at a time: four rows side by side (four independent sums,
    ;; each taken in the same order as alone, so the same bits), then the last rows one by one.
    (block $jDone (loop $jLoop
      (br_if $jDone (i32.ge_u (local.get $j) (local.get $n)))
      (local.set $bp (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $i (i32.const 0))
      (block $iDone (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $m4)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
        (local.set $pa1 (i32.add (local.get $pa0) (local.get $aRow)))
        (local.set $pa2 (i32.add (local.get $pa1) (local.get $aRow)))
        (local.set $pa3 (i32.add (local.get $pa2) (local.get $aRow)))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $s (f32.const 0)) (local.set $s1 (f32.const 0))
        (local.set $s2 (f32.const 0)) (local.set $s3 (f32.const 0))
        (local.set $q (local.get $K))
        (block $qDone (loop $qLoop
          (br_if $qDone (i32.eqz (local.get $q)))
          (local.set $bq (f32.load (local.get $pb)))
          (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $pa0)) (local.get $bq))))
          (local.set $s1 (f32.add (local.get $s1) (f32.mul (f32.load (local.get $pa1)) (local.get $bq))))
          (local.set $s2 (f32.add (local.get $s2) (f32.mul (f32.load (local.get $pa2)) (local.get $bq))))
          (local.set $s3 (f32.add (local.get $s3) (f32.mul (f32.load (local.get $pa3)) (local.get $bq))))
          (local.set $pa0 (i32.add (local.get $pa0) (local.get $aRed)))
          (local.set $pa1 (i32.add (local.get $pa1) (local.get $aRed)))
          (local.set $pa2 (i32.add (local.get $pa2) (local.get $aRed)))
          (local.set $pa3 (i32.add (local.get $pa3) (local.get $aRed)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRed)))
          (local.set $q (i32.sub (local.get $q) (i32.const 1)))
          (br $qLoop)))
        (local.set $cp (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $i) (local.get $cRow)) (i32.shl (local.get $j) (i32.const 2)))))
        (f32.store (local.get $cp)
          (select (f32.add (local.get $s) (f32.load (select (local.get $cp) (local.get $bp) (local.get $isAcc))))
            (local.get $s) (local.get $mode)))
        (local.set $cp (i32.add (local.get $cp) (local.get $cRow)))
        (f32.store (local.get $cp)
          (select (f32.add (local.get $s1) (f32.load (select (local.get $cp) (local.get $bp) (local.get $isAcc))))
            (local.get $s1) (local.get $mode)))
        (local.set $cp (i32.add (local.get $cp) (local.get $cRow)))
        (f32.store (local.get $cp)
          (select (f32.add (local.get $s2) (f32.load (select (local.get $cp) (local.get $bp) (local.get $isAcc))))
            (local.get $s2) (local.get $mode)))
        (local.set $cp (i32.add (local.get $cp) (local.get $cRow)))
        (f32.store (local.get $cp)
          (select (f32.add (local.get $s3) (f32.load (select (local.get $cp) (local.get $bp) (local.get $isAcc))))
            (local.get $s3) (local.get $mode)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iLoop)))
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $s (f32.const 0))
        (local.set $q (local.get $K))
        (block $qDone (loop $qLoop
          (br_if $qDone (i32.eqz (local.get $q)))
          (local.set $s (f32.add (local.get $s)
            (f32.mul (f32.load (local.get $pa0)) (f32.load (local.get $pb)))))
          (local.set $pa0 (i32.add (local.get $pa0) (local.get $aRed)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRed)))
          (local.set $q (i32.sub (local.get $q) (i32.const 1)))
          (br $qLoop)))
        (local.set $cp (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $i) (local.get $cRow)) (i32.shl (local.get $j) (i32.const 2)))))
        (f32.store (local.get $cp)
          (select (f32.add (local.get $s) (f32.load (select (local.get $cp) (local.get $bp) (local.get $isAcc))))
            (local.get $s) (local.get $mode)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rLoop)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $jLoop))))

  ;; dst[cols×rows] = src[rows×cols]ᵀ (add 0), or dst += srcᵀ (add 1). 4×4 blocks move as four vectors,
  ;; transposed by two rounds of shuffles; the edges (rows or columns past a multiple of 4) one by one.
  (func $transpose (export "transpose")
    (param $src i32) (param $sRow i32) (param $dst i32) (param $dRow i32) (param $rows i32) (param $cols i32)
    (param $add i32)
    (local $i i32) (local $j i32) (local $rows4 i32) (local $cols4 i32)
    (local $s i32) (local $d i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $p i32) (local $v v128) (local $x f32)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (block $iDone (loop $iLoop
      (br_if $iDone (i32.ge_u (local.get $i) (local.get $rows4)))
      (local.set $j (i32.const 0))
      (block $jDone (loop $jLoop
        (br_if $jDone (i32.ge_u (local.get $j) (local.get $cols4)))
        ;; s = src + i·sRow + 4j,  d = dst + j·dRow + 4i
        (local.set $s (i32.add (local.get $src)
          (i32.add (i32.mul (local.get $i) (local.get $sRow)) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $d (i32.add (local.get $dst)
          (i32.add (i32.mul (local.get $j) (local.get $dRow)) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $r0 (v128.load (local.get $s)))
        (local.set $r1 (v128.load (i32.add (local.get $s) (local.get $sRow))))
        (local.set $r2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $sRow) (i32.const 1)))))
        (local.set $r3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $sRow) (i32.const 3)))))
        ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 d0 c1 d1, t3 = c2 d2 c3 d3
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
        ;; columns: a0 b0 c0 d0, a1 b1 c1 d1, a2 b2 c2 d2, a3 b3 c3 d3, each stored (add 0) or added in:
        ;; select(v + old, v, add), written out (V8 does not inline wasm calls)
        (local.set $p (local.get $d))
        (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (v128.store (local.get $p)
          (select (f32x4.add (local.get $v) (v128.load (local.get $p))) (local.get $v) (local.get $add)))
        (local.set $p (i32.add (local.get $d) (local.get $dRow)))
        (local.set $v (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (v128.store (local.get $p)
          (select (f32x4.add (local.get $v) (v128.load (local.get $p))) (local.get $v) (local.get $add)))
        (local.set $p (i32.add (local.get $d) (i32.shl (local.get $dRow) (i32.const 1))))
        (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (v128.store (local.get $p)
          (select (f32x4.add (local.get $v) (v128.load (local.get $p))) (local.get $v) (local.get $add)))
        (local.set $p (i32.add (local.get $d) (i32.mul (local.get $dRow) (i32.const 3))))
        (local.set $v (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (v128.store (local.get $p)
          (select (f32x4.add (local.get $v) (v128.load (local.get $p))) (local.get $v) (local.get $add)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $jLoop)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $iLoop)))
    ;; Edges: columns [cols4, cols) of every row, then rows [rows4, rows) of the first cols4 columns.
    (local.set $i (i32.const 0))
    (block $iDone (loop $iLoop
      (br_if $iDone (i32.ge_u (local.get $i) (local.get $rows)))
      (local.set $j (select (i32.const 0) (local.get $cols4) (i32.ge_u (local.get $i) (local.get $rows4))))
      (block $jDone (loop $jLoop
        (br_if $jDone (i32.ge_u (local.get $j) (local.get $cols)))
        (local.set $x (f32.load (i32.add (local.get $src)
          (i32.add (i32.mul (local.get $i) (local.get $sRow)) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $p (i32.add (local.get $dst)
          (i32.add (i32.mul (local.get $j) (local.get $dRow)) (i32.shl (local.get $i) (i32.const 2)))))
        (f32.store (local.get $p)
          (select (f32.add (local.get $x) (f32.load (local.get $p))) (local.get $x) (local.get $add)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jLoop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $iLoop))))

  ;; Σ x² over n floats at p, accumulated in f64x2 pairs (as precise as a float64 loop, in another order).
  (func $sumsq (export "sumsq") (param $p i32) (param $n i32) (result f64)
    (local $e4 i32) (local $end i32) (local $a v128) (local $b v128) (local $x v128) (local $s f64)
    (local.set $e4 (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $e4)))
      (local.set $x (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p))))
      (local.set $a (f64x2.add (local.get $a) (f64x2.mul (local.get $x) (local.get $x))))
      (local.set $x (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $p))))
      (local.set $b (f64x2.add (local.get $b) (f64x2.mul (local.get $x) (local.get $x))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $l)))
    (local.set $a (f64x2.add (local.get $a) (local.get $b)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a)) (f64x2.extract_lane 1 (local.get $a))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $s (f64.add (local.get $s)
        (f64.mul (f64.promote_f32 (f32.load (local.get $p))) (f64.promote_f32 (f32.load (local.get $p))))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $l)))
    (local.get $s))

  ;; 1 when all n floats at p are finite: x·0 is 0 for finite x and NaN for ±∞ and NaN, and NaN sticks.
  (func (export "finite") (param $p i32) (param $n i32) (result i32)
    (local $e4 i32) (local $end i32) (local $a v128) (local $s f32)
    (local.set $e4 (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $e4)))
      (local.set $a (f32x4.add (local.get $a) (f32x4.mul (v128.load (local.get $p)) (v128.const f32x4 0 0 0 0))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $l)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $p)) (f32.const 0))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $l)))
    (i32.and
      (i32.eqz (v128.any_true (f32x4.ne (local.get $a) (v128.const f32x4 0 0 0 0))))
      (f32.eq (local.get $s) (f32.const 0))))

  ;; y += α·x over n floats (the SGD update w −= η·g with α = −η), in f32.
  (func $axpy (export "axpy") (param $y i32) (param $x i32) (param $alpha f32) (param $n i32)
    (local $e4 i32) (local $end i32) (local $va v128)
    (local.set $va (f32x4.splat (local.get $alpha)))
    (local.set $e4 (i32.add (local.get $y) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $y) (local.get $e4)))
      (v128.store (local.get $y)
        (f32x4.add (v128.load (local.get $y)) (f32x4.mul (local.get $va) (v128.load (local.get $x)))))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br $l)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
      (f32.store (local.get $y)
        (f32.add (f32.load (local.get $y)) (f32.mul (local.get $alpha) (f32.load (local.get $x)))))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (br $l))))
  ;; a = z > 0 ? z : 0 over n floats (NaN and −0 give +0, as the TypeScript loop does): z masked by z > 0.
  (func $relu (export "relu") (param $z i32) (param $a i32) (param $n i32)
    (local $e4 i32) (local $end i32) (local $v v128)
    (local.set $e4 (i32.add (local.get $z) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $z) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $z) (local.get $e4)))
      (local.set $v (v128.load (local.get $z)))
      (v128.store (local.get $a)
        (v128.and (local.get $v) (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (br $l)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
      (f32.store (local.get $a)
        (select (f32.load (local.get $z)) (f32.const 0) (f32.gt (f32.load (local.get $z)) (f32.const 0))))
      (local.set $z (i32.add (local.get $z) (i32.const 4)))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (br $l))))

  ;; dz = z > 0 ? da : 0 over n floats (relu's backward): da masked by z > 0.
  (func $reluBackward (export "reluBackward") (param $z i32) (param $da i32) (param $dz i32) (param $n i32)
    (local $e4 i32) (local $end i32)
    (local.set $e4 (i32.add (local.get $z) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $z) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $z) (local.get $e4)))
      (v128.store (local.get $dz)
        (v128.and (v128.load (local.get $da))
          (f32x4.gt (v128.load (local.get $z)) (v128.const f32x4 0 0 0 0))))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (local.set $da (i32.add (local.get $da) (i32.const 16)))
      (local.set $dz (i32.add (local.get $dz) (i32.const 16)))
      (br $l)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
      (f32.store (local.get $dz)
        (select (f32.load (local.get $da)) (f32.const 0) (f32.gt (f32.load (local.get $z)) (f32.const 0))))
      (local.set $z (i32.add (local.get $z) (i32.const 4)))
      (local.set $da (i32.add (local.get $da) (i32.const 4)))
      (local.set $dz (i32.add (local.get $dz) (i32.const 4)))
      (br $l))))

  ;; tanh of four floats, as two f64x2 pairs side by side: activations.ts's tanhF32, Eigen's rational
  ;; approximation p(z)/q(z) (odd degree 13 over even degree 6) on z clamped to ±7.905…, with the same f64
  ;; operations in the same order, so each lane is bit-identical to it. pmax(z, −C) = z < −C ? −C : z and
  ;; pmin(·, C) = C < · ? C : · is the TypeScript clamp (NaN passes). The coefficients live in globals
  ;; (cheaper to read than v128 constants are to build); both pairs in one call, as V8 inlines no wasm calls.
  (global $tanhClamp v128 (v128.const f64x2 7.905311107635498 7.905311107635498))
  (global $tanhNegClamp v128 (v128.const f64x2 -7.905311107635498 -7.905311107635498))
  (global $tanhP13 v128 (v128.const f64x2 -2.76076847742355e-16 -2.76076847742355e-16))
  (global $tanhP11 v128 (v128.const f64x2 2.00018790482477e-13 2.00018790482477e-13))
  (global $tanhP9 v128 (v128.const f64x2 -8.60467152213735e-11 -8.60467152213735e-11))
  (global $tanhP7 v128 (v128.const f64x2 5.12229709037114e-8 5.12229709037114e-8))
  (global $tanhP5 v128 (v128.const f64x2 0.0000148572235717979 0.0000148572235717979))
  (global $tanhP3 v128 (v128.const f64x2 0.000637261928875436 0.000637261928875436))
  (global $tanhP1 v128 (v128.const f64x2 0.00489352455891786 0.00489352455891786))
  (global $tanhQ6 v128 (v128.const f64x2 0.00000119825839466702 0.00000119825839466702))
  (global $tanhQ4 v128 (v128.const f64x2 0.000118534705686654 0.000118534705686654))
  (global $tanhQ2 v128 (v128.const f64x2 0.002268434632439 0.002268434632439))
  (global $tanhQ0 v128 (v128.const f64x2 0.00489352518554385 0.00489352518554385))

  (func $tanh4 (param $v v128) (result v128)
    (local $c0 v128) (local $c1 v128) (local $x0 v128) (local $x1 v128)
    (local $p0 v128) (local $p1 v128) (local $q0 v128) (local $q1 v128)
    (local.set $c0 (f64x2.promote_low_f32x4 (local.get $v)))
    (local.set $c0 (f64x2.pmin (f64x2.pmax (local.get $c0) (global.get $tanhNegClamp)) (global.get $tanhClamp)))
    (local.set $x0 (f64x2.mul (local.get $c0) (local.get $c0)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $x0) (global.get $tanhP13)) (global.get $tanhP11)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $x0) (local.get $p0)) (global.get $tanhP9)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $x0) (local.get $p0)) (global.get $tanhP7)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $x0) (local.get $p0)) (global.get $tanhP5)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $x0) (local.get $p0)) (global.get $tanhP3)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $x0) (local.get $p0)) (global.get $tanhP1)))
    (local.set $q0 (f64x2.add (f64x2.mul (local.get $x0) (global.get $tanhQ6)) (global.get $tanhQ4)))
    (local.set $q0 (f64x2.add (f64x2.mul (local.get $x0) (local.get $q0)) (global.get $tanhQ2)))
    (local.set $q0 (f64x2.add (f64x2.mul (local.get $x0) (local.get $q0)) (global.get $tanhQ0)))
    (local.set $c1 (f64x2.promote_low_f32x4
      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
    (local.set $c1 (f64x2.pmin (f64x2.pmax (local.get $c1) (global.get $tanhNegClamp)) (global.get $tanhClamp)))
    (local.set $x1 (f64x2.mul (local.get $c1) (local.get $c1)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $x1) (global.get $tanhP13)) (global.get $tanhP11)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $x1) (local.get $p1)) (global.get $tanhP9)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $x1) (local.get $p1)) (global.get $tanhP7)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $x1) (local.get $p1)) (global.get $tanhP5)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $x1) (local.get $p1)) (global.get $tanhP3)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $x1) (local.get $p1)) (global.get $tanhP1)))
    (local.set $q1 (f64x2.add (f64x2.mul (local.get $x1) (global.get $tanhQ6)) (global.get $tanhQ4)))
    (local.set $q1 (f64x2.add (f64x2.mul (local.get $x1) (local.get $q1)) (global.get $tanhQ2)))
    (local.set $q1 (f64x2.add (f64x2.mul (local.get $x1) (local.get $q1)) (global.get $tanhQ0)))
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (f64x2.div (f64x2.mul (local.get $c0) (local.get $p0)) (local.get $q0)))
      (f32x4.demote_f64x2_zero (f64x2.div (f64x2.mul (local.get $c1) (local.get $p1)) (local.get $q1)))))

  ;; a = tanh z over n floats, four at a time; the last one to three through a vector loaded lane by lane.
  (func $tanh (export "tanh") (param $z i32) (param $a i32) (param $n i32)
    (local $e4 i32) (local $r i32) (local $v v128)
    (local.set $e4 (i32.add (local.get $z) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $z) (local.get $e4)))
      (v128.store (local.get $a) (call $tanh4 (v128.load (local.get $z))))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (br $l)))
    (local.set $r (i32.and (local.get $n) (i32.const 3)))
    (if (i32.eqz (local.get $r)) (then (return)))
    (local.set $v (v128.load32_zero (local.get $z)))
    (if (i32.gt_u (local.get $r) (i32.const 1))
      (then (local.set $v (v128.load32_lane offset=4 1 (local.get $z) (local.get $v)))))
    (if (i32.gt_u (local.get $r) (i32.const 2))
      (then (local.set $v (v128.load32_lane offset=8 2 (local.get $z) (local.get $v)))))
    (local.set $v (call $tanh4 (local.get $v)))
    (v128.store32_lane 0 (local.get $a) (local.get $v))
    (if (i32.gt_u (local.get $r) (i32.const 1))
      (then (v128.store32_lane offset=4 1 (local.get $a) (local.get $v))))
    (if (i32.gt_u (local.get $r) (i32.const 2))
      (then (v128.store32_lane offset=8 2 (local.get $a) (local.get $v)))))

  ;; dz = da·(1 − a²) over n floats (tanh's backward from its output), two at a time in f64.
  (func $tanhBackward (export "tanhBackward") (param $a i32) (param $da i32) (param $dz i32) (param $n i32)
    (local $e2 i32) (local $end i32) (local $x v128)
    (local.set $e2 (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 2))))
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $a) (local.get $e2)))
      (local.set $x (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a))))
      (v128.store64_lane 0 (local.get $dz) (f32x4.demote_f64x2_zero
        (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $da)))
          (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $x) (local.get $x))))))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (local.set $da (i32.add (local.get $da) (i32.const 8)))
      (local.set $dz (i32.add (local.get $dz) (i32.const 8)))
      (br $l)))
    (if (i32.lt_u (local.get $a) (local.get $end)) (then
      (f32.store (local.get $dz) (f32.demote_f64
        (f64.mul (f64.promote_f32 (f32.load (local.get $da)))
          (f64.sub (f64.const 1)
            (f64.mul (f64.promote_f32 (f32.load (local.get $a))) (f64.promote_f32 (f32.load (local.get $a)))))))))))

  ;; out[j] = Σ_i src[i·cols + j] over the rows of src[rows×cols]: each column summed from 0, row by row,
  ;; in f32 (the same order and rounding as matmul.ts's sumRows), four columns at a time.
  (func $sumRows (export "sumRows") (param $src i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $j i32) (local $cols4 i32) (local $rowBytes i32) (local $p i32) (local $end i32)
    (local $v v128) (local $s f32)
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (block $jDone (loop $jLoop
      (br_if $jDone (i32.ge_u (local.get $j) (local.get $cols4)))
      (local.set $p (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $rowBytes))))
      (local.set $v (v128.const i32x4 0 0 0 0))
      (block $iDone (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (f32x4.add (local.get $v) (v128.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (br $iLoop)))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $v))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $jLoop)))
    (block $jDone (loop $jLoop
      (br_if $jDone (i32.ge_u (local.get $j) (local.get $cols)))
      (local.set $p (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $rowBytes))))
      (local.set $s (f32.const 0))
      (block $iDone (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (f32.add (local.get $s) (f32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (br $iLoop)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $jLoop))))

  ;; run: the kernel calls of a recorded training step (tape.ts), in order, from $p up to $end. Each call is
  ;; 13 words: the kernel, then its arguments (unused ones 0): 0 gemm, 1 transpose, 2 tanh, 3 tanhBackward,
  ;; 4 relu, 5 reluBackward, 6 sumRows (each as its export takes them), 7 zero (address, bytes), 8 copy (to,
  ;; from, bytes), 9 sumsq (address, n, and where its f64 goes). One call from JavaScript for a whole pass:
  ;; the same kernels with the same arguments, so the same bits as calling them one by one.
  (func (export "run") (param $p i32) (param $end i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (block $step
        (block $sumsq (block $copy (block $zero (block $sumRows (block $reluBackward
        (block $relu (block $tanhBackward (block $tanh (block $transpose (block $gemm
          (br_table $gemm $transpose $tanh $tanhBackward $relu $reluBackward $sumRows $zero $copy $sumsq $step
            (i32.load (local.get $p))))
        (call $gemm
          (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p))
          (i32.load offset=16 (local.get $p)) (i32.load offset=20 (local.get $p)) (i32.load offset=24 (local.get $p))
          (i32.load offset=28 (local.get $p)) (i32.load offset=32 (local.get $p)) (i32.load offset=36 (local.get $p))
          (i32.load offset=40 (local.get $p)) (i32.load offset=44 (local.get $p)) (i32.load offset=48 (local.get $p)))
        (br $step))
        (call $transpose
          (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p))
          (i32.load offset=16 (local.get $p)) (i32.load offset=20 (local.get $p)) (i32.load offset=24 (local.get $p))
          (i32.load offset=28 (local.get $p)))
        (br $step))
        (call $tanh
          (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p)))
        (br $step))
        (call $tanhBackward
          (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p))
          (i32.load offset=16 (local.get $p)))
        (br $step))
        (call $relu
          (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p)))
        (br $step))
        (call $reluBackward
          (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p))
          (i32.load offset=16 (local.get $p)))
        (br $step))
        (call $sumRows
          (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p))
          (i32.load offset=16 (local.get $p)))
        (br $step))
        (memory.fill (i32.load offset=4 (local.get $p)) (i32.const 0) (i32.load offset=8 (local.get $p)))
        (br $step))
        (memory.copy
          (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p)))
        (br $step))
        (f64.store (i32.load offset=12 (local.get $p))
          (call $sumsq (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 52)))
      (br $next))))

  ;; y += α·x over n floats exactly as axpy computes it, but only when every result is finite: a first pass
  ;; checks the sums (x·0, as finite does) without storing them; 1 when y was updated, 0 when left untouched.
  (func (export "axpyFinite") (param $y i32) (param $x i32) (param $alpha f32) (param $n i32) (result i32)
    (local $py i32) (local $px i32) (local $e4 i32) (local $end i32) (local $va v128) (local $a v128) (local $s f32)
    (local.set $va (f32x4.splat (local.get $alpha)))
    (local.set $py (local.get $y))
    (local.set $px (local.get $x))
    (local.set $e4 (i32.add (local.get $y) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $py) (local.get $e4)))
      (local.set $a (f32x4.add (local.get $a) (f32x4.mul
        (f32x4.add (v128.load (local.get $py)) (f32x4.mul (local.get $va) (v128.load (local.get $px))))
        (v128.const f32x4 0 0 0 0))))
      (local.set $py (i32.add (local.get $py) (i32.const 16)))
      (local.set $px (i32.add (local.get $px) (i32.const 16)))
      (br $l)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $py) (local.get $end)))
      (local.set $s (f32.add (local.get $s) (f32.mul
        (f32.add (f32.load (local.get $py)) (f32.mul (local.get $alpha) (f32.load (local.get $px))))
        (f32.const 0))))
      (local.set $py (i32.add (local.get $py) (i32.const 4)))
      (local.set $px (i32.add (local.get $px) (i32.const 4)))
      (br $l)))
    (if (i32.eqz (i32.and
        (i32.eqz (v128.any_true (f32x4.ne (local.get $a) (v128.const f32x4 0 0 0 0))))
        (f32.eq (local.get $s) (f32.const 0))))
      (then (return (i32.const 0))))
    (call $axpy (local.get $y) (local.get $x) (local.get $alpha) (local.get $n))
    (i32.const 1))
)
