package fakeaws

import (
	"regexp"
	"slices"
	"time"
)

// LambdaLayer is a Lambda layer and its versions (served by
// lambda_layers.go). A layer lives in one region of one account.
type LambdaLayer struct {
	Name     string          `yaml:"name"`
	Region   string          `yaml:"region"` // default: the account's first region
	Versions []*LayerVersion `yaml:"versions"`
}

// LayerVersion is one published version of a layer.
type LayerVersion struct {
	// Version defaults to the previous version plus one (1 for the first);
	// versions only grow, and deleted ones leave gaps.
	Version     int64  `yaml:"version"`
	Description string `yaml:"description"`
	// Created is Lambda's own format, 2024-01-07T10:00:00.000+0000 (default
	// 2024-01-01T00:00:00.000+0000).
	Created                 string   `yaml:"created"`
	CompatibleRuntimes      []string `yaml:"compatible_runtimes"`
	CompatibleArchitectures []string `yaml:"compatible_architectures"` // x86_64 | arm64
	LicenseInfo             string   `yaml:"license_info"`
	CodeSize                int64    `yaml:"code_size"` // default derived
	// Policy is GetLayerVersionPolicy's (the statements
	// AddLayerVersionPermission made); absent is ResourceNotFoundException.
	Policy *Document `yaml:"policy"`
}

var (
	// layerNameRE is a bare LayerName (API Reference: 1-140 characters of
	// [a-zA-Z0-9-_]).
	layerNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,140}$`)
	// layerVersionARNRE is a layer version ARN as a function's Layers
	// reference it.
	layerVersionARNRE = regexp.MustCompile(`^arn:aws:lambda:([a-z0-9-]+):([0-9]{12}):layer:([a-zA-Z0-9_-]{1,140}):([1-9][0-9]*)$`)
)

// lambdaLayers checks layers and what functions say of layers and images.
func (v *validator) lambdaLayers(p []any, a *Account) {
	type key struct{ region, name string }
	seen := map[key]bool{}
	for i, l := range a.Lambda.Layers {
		lp := at(p, "lambda", "layers", i)
		if l == nil {
			v.errf(lp, "empty layer")
			continue
		}
		region := orDefault(l.Region, a.homeRegion())
		if !validRegion(region) {
			v.errf(at(lp, "region"), "%q is not a region name", l.Region)
		} else if !a.regionEnabled(region) {
			v.errf(at(lp, "region"), "region %s is not enabled for account %s", region, a.ID)
		}
		if !layerNameRE.MatchString(l.Name) {
			v.errf(at(lp, "name"), "%q is not a layer name (1-140 letters, digits, - and _)", l.Name)
		} else if seen[key{region, l.Name}] {
			v.errf(at(lp, "name"), "layer %s appears twice in %s", l.Name, region)
		}
		seen[key{region, l.Name}] = true
		if len(l.Versions) == 0 {
			v.errf(at(lp, "versions"), "a layer needs at least one version (a layer whose versions are all deleted is not listed)")
		}
		var last int64
		for j, lv := range l.Versions {
			vp := at(lp, "versions", j)
			if lv == nil {
				v.errf(vp, "empty layer version")
				continue
			}
			n := lv.Version
			if n == 0 {
				n = last + 1
			}
			if n <= last {
				v.errf(at(vp, "version"), "version %d does not follow version %d (versions only grow)", n, last)
			}
			last = n
			if lv.Created != "" {
				if _, err := time.Parse(lambdaTimeLayout, lv.Created); err != nil {
					v.errf(at(vp, "created"), "created %q is not in Lambda's format 2006-01-02T15:04:05.000+0000", lv.Created)
				}
			}
			// Lambda API Reference, PublishLayerVersion: at most 15
			// runtimes; architectures x86_64 and arm64.
			if len(lv.CompatibleRuntimes) > 15 {
				v.errf(at(vp, "compatible_runtimes"), "a layer version lists at most 15 runtimes")
			}
			for k, arch := range lv.CompatibleArchitectures {
				if arch != "x86_64" && arch != "arm64" {
					v.errf(at(vp, "compatible_architectures", k), "architecture %q is not x86_64 or arm64", arch)
				}
			}
			if lv.CodeSize < 0 {
				v.errf(at(vp, "code_size"), "code_size %d is negative", lv.CodeSize)
			}
		}
	}
	for i, f := range a.Lambda.Functions {
		if f == nil {
			continue
		}
		fp := at(p, "lambda", "functions", i)
		region := orDefault(f.Region, a.homeRegion())
		// Lambda quotas: five layers per function; a layer must be in the
		// function's Region.
		if len(f.Layers) > 5 {
			v.errf(at(fp, "layers"), "a function uses at most 5 layers, not %d", len(f.Layers))
		}
		var used []string
		for k, arn := range f.Layers {
			m := layerVersionARNRE.FindStringSubmatch(arn)
			switch {
			case m == nil:
				v.errf(at(fp, "layers", k), "%q is not a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)", arn)
			case m[1] != region:
				v.errf(at(fp, "layers", k), "layer %s is in %s; a function uses layers of its own region (%s)", arn, m[1], region)
			case slices.Contains(used, m[2]+":"+m[3]):
				v.errf(at(fp, "layers", k), "a function uses one version of a layer; %s appears twice", m[3])
			}
			if m != nil {
				used = append(used, m[2]+":"+m[3])
			}
		}
		if f.ImageURI != "" {
			m := ecrImageURIRE.FindStringSubmatch(f.ImageURI)
			switch {
			case f.PackageType != "Image":
				v.errf(at(fp, "image_uri"), "image_uri is for package_type Image functions")
			case m == nil:
				v.errf(at(fp, "image_uri"), "%q is not an ECR image URI (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG or @sha256:DIGEST)", f.ImageURI)
			case m[2] != region:
				// Lambda runs images from ECR in the function's own Region.
				v.errf(at(fp, "image_uri"), "image %s is in %s; a function's image is in its own region (%s)", f.ImageURI, m[2], region)
			}
		}
	}
}
