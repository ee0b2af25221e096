package xlsx

import "testing"

func TestShiftFormula(t *testing.T) {
	for _, c := range []struct {
		f          string
		dCol, dRow int
		want       string
	}{
		{`CONCATENATE(B3,"_",D3)`, 0, 1, `CONCATENATE(B4,"_",D4)`},
		{`$B$3+B$3+$B3+B3`, 2, 5, `$B$3+D$3+$B8+D8`},
		{`SUM(C10:C12)*2`, 1, 0, `SUM(D10:D12)*2`},
		{`"B3 stays"&B3`, 0, 2, `"B3 stays"&B5`},
		{`'Cover sheet'!C4+Cover!C4`, 0, 1, `'Cover sheet'!C5+Cover!C5`},
		{`LOG10(A1)+ROUND(A1,2)`, 0, 1, `LOG10(A2)+ROUND(A2,2)`},
		{`SUM(A:A)+SUM(3:3)+SUM($A:$A)+SUM($3:$3)`, 1, 1, `SUM(B:B)+SUM(4:4)+SUM($A:$A)+SUM($3:$3)`},
		{`A1-1`, 0, -1, `#REF!-1`},
		{`Table1[[#This Row],[Mass]]*B2`, 0, 1, `Table1[[#This Row],[Mass]]*B3`},
		{`IF(B3=0,"",B3*1.5E+3)`, 0, 1, `IF(B4=0,"",B4*1.5E+3)`},
		{`XYZ1+TRUE+Rate`, 0, 1, `XYZ1+TRUE+Rate`},
		{`#N/A`, 0, 1, `#N/A`},
		{`"say ""B3"""&B3`, 0, 1, `"say ""B3"""&B4`},
	} {
		if got := shiftFormula(c.f, c.dCol, c.dRow); got != c.want {
			t.Errorf("shiftFormula(%q, %d, %d) = %q, want %q", c.f, c.dCol, c.dRow, got, c.want)
		}
	}
}
