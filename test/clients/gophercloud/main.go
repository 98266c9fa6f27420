// Command gophercloud-tree drives Octavia's whole object tree through gophercloud v2, as a Go user of the API would.
//
// It logs in to Keystone with a password (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME), finds the API in
// the service catalog, builds a load balancer with two listeners, their pools, members, a health monitor and an L7
// policy with a rule, polling the load balancer until it is ACTIVE after each change; updates a listener and a
// member; reads the status tree; cascade-deletes the load balancer and waits for its get to be a 404. It prints one
// JSON document of what it saw on stdout (the shape test/objects/client-tree.ts reads); any refusal by the API ends
// it with gophercloud's error, which names the request, the status and the response body, on stderr.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/loadbalancers"
)

const (
	// pollInterval is the pause between two gets of the load balancer; the noop drivers finish a change quickly.
	pollInterval = 100 * time.Millisecond
	// waitLimit is how long one change may take before the program gives up.
	waitLimit = 60 * time.Second
)

// created is what one create returned, and the object's status once the load balancer was ACTIVE again.
type created struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	ID      string `json:"id"`
	Created string `json:"created"`
	Settled string `json:"settled"`
}

// updated is what one update returned, and the object once the load balancer was ACTIVE again.
type updated struct {
	Kind     string `json:"kind"`
	ID       string `json:"id"`
	Returned string `json:"returned"`
	Settled  string `json:"settled"`
	Value    int    `json:"value"`
}

type statusMember struct {
	ID                 string `json:"id"`
	ProvisioningStatus string `json:"provisioning_status"`
}

type statusPool struct {
	ID                 string `json:"id"`
	ProvisioningStatus string `json:"provisioning_status"`
	// HealthMonitor is what gophercloud parsed, nil when it found none.
	HealthMonitor *string        `json:"health_monitor"`
	Members       []statusMember `json:"members"`
}

type statusListener struct {
	ID                 string       `json:"id"`
	ProvisioningStatus string       `json:"provisioning_status"`
	Pools              []statusPool `json:"pools"`
}

type statusTree struct {
	ID                 string           `json:"id"`
	ProvisioningStatus string           `json:"provisioning_status"`
	Listeners          []statusListener `json:"listeners"`
}

// observation is the document the program prints.
type observation struct {
	Client       string           `json:"client"`
	LoadBalancer map[string]any   `json:"loadbalancer"`
	Objects      []created        `json:"objects"`
	Updates      []updated        `json:"updates"`
	Listener     map[string]any   `json:"listener"`
	Monitor      map[string]any   `json:"monitor"`
	Members      []map[string]any `json:"members"`
	Policy       map[string]any   `json:"policy"`
	Rules        []map[string]any `json:"rules"`
	StatusTree   statusTree       `json:"status_tree"`
	Deleted      map[string]any   `json:"deleted"`
}

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// gophercloudVersion is the version of gophercloud this program was built with, as go.mod pins it.
func gophercloudVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/gophercloud/gophercloud/v2" {
				return dep.Version
			}
		}
	}
	return "(unknown version)"
}

// connect logs in with the Keystone password the environment names and finds the load-balancer endpoint.
func connect(ctx context.Context) (*gophercloud.ServiceClient, error) {
	provider, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: os.Getenv("OS_AUTH_URL"),
		Username:         os.Getenv("OS_USERNAME"),
		Password:         os.Getenv("OS_PASSWORD"),
		TenantName:       os.Getenv("OS_PROJECT_NAME"),
		DomainName:       "Default",
	})
	if err != nil {
		return nil, fmt.Errorf("logging in to Keystone: %w", err)
	}
	return openstack.NewLoadBalancerV2(provider, gophercloud.EndpointOpts{Availability: gophercloud.AvailabilityPublic})
}

func run(ctx context.Context) error {
	client, err := connect(ctx)
	if err != nil {
		return err
	}
	opts := loadbalancers.CreateOpts{Name: "shop", VipSubnetID: "vip-subnet"}
	lb, err := loadbalancers.Create(ctx, client, opts).Extract()
	if err != nil {
		return fmt.Errorf("creating the load balancer: %w", err)
	}
	t := &tree{ctx: ctx, client: client, lbID: lb.ID, ids: map[string]string{}}
	settled, err := t.settle()
	if err != nil {
		return err
	}
	seen := observation{
		Client:       "gophercloud " + gophercloudVersion(),
		LoadBalancer: map[string]any{"id": lb.ID, "created": lb.ProvisioningStatus, "settled": settled},
	}
	if err := t.build(&seen); err != nil {
		return err
	}
	if err := t.observe(&seen); err != nil {
		return err
	}
	if seen.Deleted, err = t.deleteCascade(); err != nil {
		return err
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", "  ")
	return out.Encode(seen)
}
