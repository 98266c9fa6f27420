package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/l7policies"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/listeners"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/loadbalancers"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/monitors"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"
)

// tree is the client, the load balancer every step works on, and the ids of what the steps made, by name.
type tree struct {
	ctx    context.Context
	client *gophercloud.ServiceClient
	lbID   string
	ids    map[string]string
}

// settle polls the load balancer until it is ACTIVE, and fails on ERROR or after waitLimit.
func (t *tree) settle() (string, error) {
	deadline := time.Now().Add(waitLimit)
	for {
		lb, err := loadbalancers.Get(t.ctx, t.client, t.lbID).Extract()
		if err != nil {
			return "", fmt.Errorf("polling load balancer %s: %w", t.lbID, err)
		}
		switch {
		case lb.ProvisioningStatus == "ACTIVE":
			return lb.ProvisioningStatus, nil
		case lb.ProvisioningStatus == "ERROR":
			return "", fmt.Errorf("load balancer %s went to ERROR", t.lbID)
		case time.Now().After(deadline):
			return "", fmt.Errorf("load balancer %s still %s after %s", t.lbID, lb.ProvisioningStatus, waitLimit)
		}
		time.Sleep(pollInterval)
	}
}

// step runs one create, waits for the load balancer, reads the object's status back, and keeps its id by name.
func (t *tree) step(
	seen *observation,
	kind, name string,
	create func() (id, status string, err error),
	fetch func(id string) (status string, err error),
) error {
	id, status, err := create()
	if err != nil {
		return fmt.Errorf("creating %s %s: %w", kind, name, err)
	}
	if _, err := t.settle(); err != nil {
		return err
	}
	after, err := fetch(id)
	if err != nil {
		return fmt.Errorf("reading %s %s back: %w", kind, id, err)
	}
	t.ids[name] = id
	seen.Objects = append(seen.Objects, created{Kind: kind, Name: name, ID: id, Created: status, Settled: after})
	return nil
}

func (t *tree) listener(seen *observation, name string, protocol listeners.Protocol, port int) error {
	return t.step(seen, "listener", name, func() (string, string, error) {
		l, err := listeners.Create(t.ctx, t.client, listeners.CreateOpts{
			Name: name, LoadbalancerID: t.lbID, Protocol: protocol, ProtocolPort: port,
		}).Extract()
		if err != nil {
			return "", "", err
		}
		return l.ID, l.ProvisioningStatus, nil
	}, func(id string) (string, error) {
		l, err := listeners.Get(t.ctx, t.client, id).Extract()
		if err != nil {
			return "", err
		}
		return l.ProvisioningStatus, nil
	})
}

func (t *tree) pool(seen *observation, opts pools.CreateOpts) error {
	return t.step(seen, "pool", opts.Name, func() (string, string, error) {
		p, err := pools.Create(t.ctx, t.client, opts).Extract()
		if err != nil {
			return "", "", err
		}
		return p.ID, p.ProvisioningStatus, nil
	}, func(id string) (string, error) {
		p, err := pools.Get(t.ctx, t.client, id).Extract()
		if err != nil {
			return "", err
		}
		return p.ProvisioningStatus, nil
	})
}

func (t *tree) member(seen *observation, address string) error {
	poolID := t.ids["app"]
	return t.step(seen, "member", address, func() (string, string, error) {
		m, err := pools.CreateMember(t.ctx, t.client, poolID, pools.CreateMemberOpts{
			Address: address, ProtocolPort: 8080, SubnetID: "member-subnet-a",
		}).Extract()
		if err != nil {
			return "", "", err
		}
		return m.ID, m.ProvisioningStatus, nil
	}, func(id string) (string, error) {
		m, err := pools.GetMember(t.ctx, t.client, poolID, id).Extract()
		if err != nil {
			return "", err
		}
		return m.ProvisioningStatus, nil
	})
}

func (t *tree) monitor(seen *observation) error {
	return t.step(seen, "healthmonitor", "app-monitor", func() (string, string, error) {
		m, err := monitors.Create(t.ctx, t.client, monitors.CreateOpts{
			Name: "app-monitor", PoolID: t.ids["app"], Type: monitors.TypeHTTP,
			Delay: 5, Timeout: 3, MaxRetries: 3, URLPath: "/healthz",
		}).Extract()
		if err != nil {
			return "", "", err
		}
		return m.ID, m.ProvisioningStatus, nil
	}, func(id string) (string, error) {
		m, err := monitors.Get(t.ctx, t.client, id).Extract()
		if err != nil {
			return "", err
		}
		return m.ProvisioningStatus, nil
	})
}

func (t *tree) policy(seen *observation) error {
	return t.step(seen, "l7policy", "to-api", func() (string, string, error) {
		p, err := l7policies.Create(t.ctx, t.client, l7policies.CreateOpts{
			Name: "to-api", ListenerID: t.ids["web"], Action: l7policies.ActionRedirectToPool,
			RedirectPoolID: t.ids["api"],
		}).Extract()
		if err != nil {
			return "", "", err
		}
		return p.ID, p.ProvisioningStatus, nil
	}, func(id string) (string, error) {
		p, err := l7policies.Get(t.ctx, t.client, id).Extract()
		if err != nil {
			return "", err
		}
		return p.ProvisioningStatus, nil
	})
}

func (t *tree) rule(seen *observation) error {
	policyID := t.ids["to-api"]
	return t.step(seen, "l7rule", "api-path", func() (string, string, error) {
		r, err := l7policies.CreateRule(t.ctx, t.client, policyID, l7policies.CreateRuleOpts{
			RuleType: l7policies.TypePath, CompareType: l7policies.CompareTypeStartWith, Value: "/api",
		}).Extract()
		if err != nil {
			return "", "", err
		}
		return r.ID, r.ProvisioningStatus, nil
	}, func(id string) (string, error) {
		r, err := l7policies.GetRule(t.ctx, t.client, policyID, id).Extract()
		if err != nil {
			return "", err
		}
		return r.ProvisioningStatus, nil
	})
}

// build creates the listeners, pools, members, monitor, policy and rule, in the order the other clients do.
func (t *tree) build(seen *observation) error {
	steps := []func() error{
		func() error { return t.listener(seen, "web", listeners.ProtocolHTTP, 80) },
		func() error {
			return t.pool(seen, pools.CreateOpts{
				Name: "app", ListenerID: t.ids["web"], Protocol: pools.ProtocolHTTP, LBMethod: pools.LBMethodRoundRobin,
			})
		},
		func() error { return t.member(seen, "203.0.113.10") },
		func() error { return t.member(seen, "203.0.113.11") },
		func() error { return t.monitor(seen) },
		func() error {
			return t.pool(seen, pools.CreateOpts{
				Name: "api", LoadbalancerID: t.lbID, Protocol: pools.ProtocolHTTP,
				LBMethod: pools.LBMethodLeastConnections,
			})
		},
		func() error { return t.policy(seen) },
		func() error { return t.rule(seen) },
		func() error { return t.listener(seen, "tls", listeners.ProtocolTCP, 443) },
		func() error {
			return t.pool(seen, pools.CreateOpts{
				Name: "passthrough", ListenerID: t.ids["tls"], Protocol: pools.ProtocolTCP,
				LBMethod: pools.LBMethodSourceIp,
			})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}
