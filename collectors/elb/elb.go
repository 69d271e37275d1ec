// Package elb collects Classic Load Balancers: scheme, DNS name, subnets,
// security groups, listeners and registered instances — what decides
// whether one is a way in from the internet and what it leads to.
//
// # Calls
//
// Per region: DescribeLoadBalancers, one call per 400 load balancers; its
// answer carries each one's listeners and instances, so nothing is read
// per load balancer. The TLS negotiation policy of an HTTPS or SSL
// listener (DescribeLoadBalancerPolicies, one call per load balancer) is
// not read: a listener names only its policy, not the TLS versions.
//
// # What fails how
//
// A failed DescribeLoadBalancers is one coverage gap; the region's Classic
// Load Balancers are then unknown. Edges: load balancer → listener, and
// listener → each registered instance (a Classic listener sends every
// request to the instances on its instance port).
package elb

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "elb"

// api is the part of the Classic ELB client the collector uses: reads only.
type api interface {
	DescribeLoadBalancers(context.Context, *elb.DescribeLoadBalancersInput, ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error)
}

// pageSize is the largest page DescribeLoadBalancers accepts.
const pageSize = 400

// Collector reads Classic Load Balancers in one account and region.
type Collector struct{}

// New returns the Classic ELB collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
		"DescribeLoadBalancers": {"elasticloadbalancing:DescribeLoadBalancers"},
	}}}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, elb.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	gaps := collectors.NewGaps(t, b, service)
	p := elb.NewDescribeLoadBalancersPaginator(client, &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			gaps.Fail(t.Region, "DescribeLoadBalancers", "", err)
			break
		}
		for _, lb := range page.LoadBalancerDescriptions {
			add(t, b, lb)
		}
	}
	return gaps.Done(ctx)
}

// add adds a Classic Load Balancer, its listeners and their edges.
func add(t collectors.Target, b *graph.Builder, lb types.LoadBalancerDescription) {
	name := aws.ToString(lb.LoadBalancerName)
	arn := graph.ClassicLoadBalancerARN(t.Region, t.Account, name)
	attrs := &graph.LoadBalancer{
		Name: name, Type: "classic", Scheme: aws.ToString(lb.Scheme), DNSName: aws.ToString(lb.DNSName), State: "active",
		VPCID: aws.ToString(lb.VPCId), Subnets: slices.Clone(lb.Subnets), SecurityGroups: slices.Clone(lb.SecurityGroups),
		IPAddressType: "ipv4", ListenersKnown: graph.True,
	}
	for _, in := range lb.Instances {
		attrs.Instances = append(attrs.Instances, aws.ToString(in.InstanceId))
	}
	slices.Sort(attrs.Instances)
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindLoadBalancer, Name: name, Account: t.Account, Region: t.Region, Attrs: attrs})
	for _, d := range lb.ListenerDescriptions {
		l := d.Listener
		if l == nil {
			continue
		}
		proto := strings.ToUpper(aws.ToString(l.Protocol))
		lid := fmt.Sprintf("%s#listener/%s:%d", arn, proto, l.LoadBalancerPort)
		la := &graph.Listener{LoadBalancer: arn, Port: int(l.LoadBalancerPort), Protocol: proto, RulesKnown: graph.True,
			InstancePort: int(aws.ToInt32(l.InstancePort)), InstanceProtocol: strings.ToUpper(aws.ToString(l.InstanceProtocol))}
		if c := aws.ToString(l.SSLCertificateId); c != "" {
			la.Certificates = []string{c}
		}
		b.AddNode(graph.Node{ID: lid, Kind: graph.KindListener, Name: fmt.Sprintf("%s %s:%d", name, proto, l.LoadBalancerPort),
			Account: t.Account, Region: t.Region, Attrs: la})
		b.AddEdge(graph.Edge{From: arn, To: lid, Kind: graph.EdgeRoutesTo, Via: graph.ViaLoadBalancerListener, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: "elasticloadbalancing:DescribeLoadBalancers", Detail: fmt.Sprintf("listener %s:%d", proto, l.LoadBalancerPort)}}})
		for _, id := range attrs.Instances {
			b.AddEdge(graph.Edge{From: lid, To: graph.InstanceARN(t.Region, t.Account, id), Kind: graph.EdgeRoutesTo, Via: graph.ViaListenerRule,
				Certainty: graph.True, Evidence: []graph.Evidence{{Source: "elasticloadbalancing:DescribeLoadBalancers",
					Detail: fmt.Sprintf("registered instance %s, sent %s:%d", id, la.InstanceProtocol, la.InstancePort)}}})
		}
	}
}
