package scan

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/tiff"
)

// decoder is an image format's DecodeConfig and Decode.
type decoder struct {
	name   string
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var (
	pngDecoder  = decoder{"PNG", png.DecodeConfig, png.Decode}
	jpegDecoder = decoder{"JPEG", jpeg.DecodeConfig, jpeg.Decode}
	tiffDecoder = decoder{"TIFF", tiff.DecodeConfig, tiff.Decode}
)

// decodeBounded decodes one page image after checking its size: the
// pixels are allocated only for an image within the limit.
func decodeBounded(o Options, d decoder, open func() io.Reader) page {
	cfg, err := d.config(open())
	if err != nil {
		return page{problem: fmt.Sprintf("the %s image cannot be decoded (%v)", d.name, err)}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return page{problem: fmt.Sprintf("the %s image has no pixels (%d×%d)", d.name, cfg.Width, cfg.Height)}
	}
	if int64(cfg.Width)*int64(cfg.Height) > o.MaxPixels {
		return tooLarge(o, cfg.Width, cfg.Height)
	}
	img, err := d.decode(open())
	var unsupported tiff.UnsupportedError
	if errors.As(err, &unsupported) {
		return page{problem: fmt.Sprintf("the TIFF image uses a feature that is not read (%s): save the scan as PDF, or as TIFF with LZW, ZIP, PackBits or CCITT compression", string(unsupported))}
	}
	if err != nil {
		return page{problem: fmt.Sprintf("the %s image cannot be decoded (%v)", d.name, err)}
	}
	return readImage(img)
}

func tooLarge(o Options, w, h int) page {
	return page{problem: fmt.Sprintf("the image is %d×%d pixels, more than the %d million read per page: scan at 150 to 300 dpi", w, h, o.MaxPixels/1_000_000)}
}

// readSingle reads a PNG or JPEG file: one page.
func readSingle(o Options, src Source) page {
	d := pngDecoder
	var head [3]byte
	if _, err := src.Data.ReadAt(head[:], 0); err == nil && head == [3]byte{0xff, 0xd8, 0xff} {
		d = jpegDecoder
	}
	return decodeBounded(o, d, func() io.Reader { return io.NewSectionReader(src.Data, 0, src.Size) })
}

// readTIFF reads every image of a TIFF file, one at a time, straight from
// the file: x/image/tiff decodes the first image of a file, so each
// image is decoded through a view of the file whose header points at
// that image.
func readTIFF(o Options, src Source, add func(page) error) error {
	offsets, order, err := tiffImages(src.Data, src.Size, o.MaxPages)
	if err != nil {
		return err
	}
	for _, off := range offsets {
		v := &tiffView{r: src.Data, size: src.Size}
		order.PutUint32(v.first[:], uint32(off))
		p := decodeBounded(o, tiffDecoder, func() io.Reader { return io.NewSectionReader(v, 0, src.Size) })
		if err := add(p); err != nil {
			return err
		}
	}
	return nil
}

// tiffImages returns the offsets of the images (IFDs) of a TIFF file, at
// most max, and the file's byte order. A chain that loops or leaves the
// file is an error.
func tiffImages(r io.ReaderAt, size int64, max int) ([]int64, binary.ByteOrder, error) {
	var head [8]byte
	if _, err := r.ReadAt(head[:], 0); err != nil {
		return nil, nil, fmt.Errorf("the TIFF header cannot be read: %v", err)
	}
	var order binary.ByteOrder = binary.LittleEndian
	if head[0] == 'M' {
		order = binary.BigEndian
	}
	var out []int64
	seen := map[int64]bool{}
	for off := int64(order.Uint32(head[4:])); off != 0; {
		if off < 8 || off+2 > size || seen[off] {
			if len(out) > 0 && !seen[off] {
				return out, order, nil // a broken link after the last image: read what is there
			}
			return nil, nil, fmt.Errorf("the TIFF image directory at byte %d is outside the file or loops", off)
		}
		if len(out) == max {
			return nil, nil, fmt.Errorf("%w: the TIFF file has more than %d images", ErrTooManyPages, max)
		}
		seen[off] = true
		out = append(out, off)
		var n [2]byte
		if _, err := r.ReadAt(n[:], off); err != nil {
			return nil, nil, fmt.Errorf("the TIFF image directory at byte %d cannot be read: %v", off, err)
		}
		next := off + 2 + 12*int64(order.Uint16(n[:]))
		var link [4]byte
		if _, err := r.ReadAt(link[:], next); err != nil {
			return out, order, nil // no link to a next image: this was the last
		}
		off = int64(order.Uint32(link[:]))
	}
	if len(out) == 0 {
		return nil, nil, errors.New("the TIFF file has no image")
	}
	return out, order, nil
}

// tiffView is a TIFF file whose header names another first image.
type tiffView struct {
	r     io.ReaderAt
	size  int64
	first [4]byte // bytes 4 to 7: the offset of the first image directory
}

// ReadAt reads the file, with the header's bytes 4 to 7 replaced.
func (v *tiffView) ReadAt(p []byte, off int64) (int, error) {
	n, err := v.r.ReadAt(p, off)
	for at := max(off, 4); at < 8 && at < off+int64(n); at++ {
		p[at-off] = v.first[at-4]
	}
	return n, err
}
